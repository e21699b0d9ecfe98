import { loadConfig } from './config.js';
import { renewEpoch } from './store/index.js';

/**
 * `npm run new-epoch`: a new history epoch for the database named by PARLEY_DATABASE_URL,
 * with Parley stopped on every node, after an older copy of the database was put in place
 * by other means than `npm run backup` / `pg_restore` or history was deleted by hand
 * (README, "Backups and restore"). Exits 0 with the new epoch, or 1 with the reason.
 */
async function main(argv: readonly string[]): Promise<number> {
  if (argv.length > 0) {
    console.error('usage: npm run new-epoch   (PARLEY_DATABASE_URL names the database, as for npm start; stop Parley first)');
    return 2;
  }
  try {
    const epoch = await renewEpoch(loadConfig().databaseUrl);
    process.stdout.write(`new history epoch ${epoch}: every open page reloads its rooms when Parley starts again\n`);
    return 0;
  } catch (error) {
    console.error(`new-epoch failed: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  }
}

process.exitCode = await main(process.argv.slice(2));
