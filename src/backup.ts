import path from 'node:path';
import { loadConfig } from './config.js';
import { backupDatabase } from './store/index.js';

/**
 * `npm run backup -- <file>`: an online, consistent copy of the SQLite database named by
 * PARLEY_DATABASE_URL into a new file, while Parley runs (README, "Backups and restore").
 * Exits 0 with a one-line summary, or 1 with the reason.
 */
function main(argv: readonly string[]): number {
  const target = argv[0];
  if (target === undefined || argv.length > 1 || target.startsWith('-')) {
    console.error('usage: npm run backup -- <new file>   (PARLEY_DATABASE_URL names the database, as for npm start)');
    return 2;
  }
  try {
    const summary = backupDatabase(loadConfig().databaseUrl, path.resolve(target));
    process.stdout.write(
      `backup written to ${summary.file}: ${summary.bytes} bytes, ${summary.messages} messages, ${summary.accounts} accounts, integrity check ok\n`,
    );
    return 0;
  } catch (error) {
    console.error(`backup failed: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  }
}

process.exitCode = main(process.argv.slice(2));
