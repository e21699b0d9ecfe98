import { storeContract } from './contract.js';
import { sqliteSharedWriterHarness } from './harness.js';

// The store every cluster worker uses under `npm start` with SQLite: the same contract.
storeContract('SQLite, one shared writer', sqliteSharedWriterHarness);
