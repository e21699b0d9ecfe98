import { skipUnlessAvailable } from '../helpers/services.js';
import { storeContract } from './contract.js';
import { postgresHarness, postgresReachable, postgresUrl } from './harness.js';

const skip = skipUnlessAvailable('PostgreSQL', await postgresReachable(), `at ${new URL(postgresUrl).host}`);
storeContract('PostgreSQL', postgresHarness, skip);
