import fs from 'node:fs';
import { loadDatabaseUrl } from './config.js';
import { runOperatorCommand, ADMIN_USAGE } from './moderation/operator-command.js';
import { createStore } from './store/index.js';

/**
 * `npm run admin -- grant <username> | revoke <username> | list`: the operator's way to make
 * admins, on the machine where Parley is installed, on the database PARLEY_DATABASE_URL
 * names (SQLite or PostgreSQL), whether or not the server runs (README, Operations,
 * "Moderation"). Exits 0 when done, 1 when refused or failed (the reason on stderr), 2 on
 * a wrong call.
 */
async function main(argv: readonly string[]): Promise<number> {
  if (argv.length === 0 || argv[0] === '--help' || argv[0] === '-h') {
    console.error(ADMIN_USAGE);
    return 2;
  }
  let store: Awaited<ReturnType<typeof createStore>> | undefined;
  try {
    const databaseUrl = loadDatabaseUrl();
    const file = databaseUrl.startsWith('sqlite:') ? databaseUrl.slice('sqlite:'.length) : undefined;
    // Opening a missing SQLite file would create an empty database, with no account to grant.
    if (file !== undefined && !fs.existsSync(file)) {
      console.error(`no database at ${file}: start Parley once with this PARLEY_DATABASE_URL, register the account, then grant it`);
      return 1;
    }
    store = await createStore(databaseUrl);
    const outcome = await runOperatorCommand(store, argv);
    process.stdout.write(outcome.out);
    if (outcome.error !== '') console.error(outcome.error);
    return outcome.status;
  } catch (error) {
    console.error(`admin command failed: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  } finally {
    await store?.close();
  }
}

process.exitCode = await main(process.argv.slice(2));
