/** What test/store/multi-process.test.ts tells a writer process (as argv[2], JSON). */
export interface WriterConfig {
  readonly databaseUrl: string;
  /** Prefix of every text and idempotency key this writer stores, unique per writer. */
  readonly writerId: string;
  /** Rooms to append to, in turn; looked up by name, so the writer may be first to open the database. */
  readonly roomNames: readonly string[];
  readonly count: number;
  /** Appends in flight at once. */
  readonly window: number;
  /** The writer exits by itself after this long, whatever happens. */
  readonly maxLifetimeMs: number;
}

/** What a writer process reports over IPC. */
export type WriterReport =
  | { type: 'ready' }
  /** Resolved appends: [index, roomId, offset]. Sent only after they resolved. */
  | { type: 'acks'; acks: [number, number, number][] }
  | { type: 'failure'; index: number; name: string; message: string; causeCode: string | undefined }
  | { type: 'done'; elapsedMs: number };
