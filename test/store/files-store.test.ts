import { skipUnlessAvailable } from '../helpers/services.js';
import { filesContract } from './files-contract.js';
import { postgresHarness, postgresReachable, postgresUrl, sqliteHarness, sqliteSharedWriterHarness } from './harness.js';

filesContract('SQLite', sqliteHarness, false);
filesContract('SQLite behind the shared writer', sqliteSharedWriterHarness, false);
filesContract('PostgreSQL', postgresHarness, skipUnlessAvailable('PostgreSQL', await postgresReachable(), `at ${new URL(postgresUrl).host}`));
