import { AggregatorRegistry, collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { chatRoomOf } from '../socket-rooms.js';
import type { PoolObserver } from '../store/index.js';
import type { ParleyServer } from '../types.js';

/**
 * What one server process (a worker, or the single process of `src/main.ts`) counts, in a
 * registry of its own. Under `npm start` the primary sums the workers' registries
 * (prom-client's cluster aggregator: counters and histograms added up, gauges labelled by
 * worker where each worker's own value matters) and serves them with its own
 * (primaryRegistry) on the metrics port (metrics-server.ts).
 */
export const serverRegistry = new Registry();

/** Latencies from 0.5 ms to 10 s. */
const SECONDS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export const messagesStored = new Counter({
  name: 'parley_messages_stored_total',
  help: 'Messages (and edits, deletions) stored: each once, retries answered as duplicates not counted.',
  registers: [serverRegistry],
});
export const deliveries = new Counter({
  name: 'parley_deliveries_total',
  help: 'Messages written to sockets: live from the room feeds, or catch-up from the store.',
  labelNames: ['path'] as const,
  registers: [serverRegistry],
});
export const ackSeconds = new Histogram({
  name: 'parley_ack_seconds',
  help: "From a client event's arrival to its acknowledgement, by event.",
  labelNames: ['event'] as const,
  buckets: SECONDS,
  registers: [serverRegistry],
});
export const storeWriteSeconds = new Histogram({
  name: 'parley_store_write_seconds',
  help: 'One append as the worker waits for it: the group commit it joins and, under npm start with SQLite, the trip to the writer.',
  buckets: SECONDS,
  registers: [serverRegistry],
});
export const commitBatchSize = new Histogram({
  name: 'parley_commit_batch_size',
  help: "Appends per group commit written by this process itself: a lone process (under npm start the node's writer commits: parley_writer_commit_batch_size).",
  buckets: [1, 2, 4, 8, 16, 32, 64, 128, 256, 512],
  registers: [serverRegistry],
});
export const catchUpMessages = new Histogram({
  name: 'parley_catch_up_messages',
  help: 'Messages a (re)connecting socket was sent from the store or recent memory before joining its live room.',
  buckets: [0, 1, 10, 100, 1000, 10_000, 100_000, 1_000_000],
  registers: [serverRegistry],
});
export const connectionErrors = new Counter({
  name: 'parley_connection_errors_total',
  help: "engine.io's connection errors by code: 0 unknown transport, 1 unknown session id, 2 bad handshake method, 3 bad request, 4 forbidden, 5 unsupported protocol version.",
  labelNames: ['code'] as const,
  registers: [serverRegistry],
});
export const admissions = new Counter({
  name: 'parley_admissions_total',
  help: "New sessions' handshakes at the admission pace (PARLEY_ADMISSION_RATE), by outcome: immediate (let in at once), deferred (held for their turn, then let in), refused (503 with Retry-After: the wait would pass PARLEY_ADMISSION_MAX_WAIT_MS). A reconnect storm shows as deferred, then refused, rising.",
  labelNames: ['outcome'] as const,
  registers: [serverRegistry],
});
export const admissionWaitSeconds = new Histogram({
  name: 'parley_admission_wait_seconds',
  help: 'How long deferred handshakes were held for their turn at the admission pace.',
  buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
  registers: [serverRegistry],
});
export const catchUpReads = new Counter({
  name: 'parley_catch_up_reads_total',
  help: "Catch-up reads of a room's history by where the answer came from: store (read for this socket), shared (another socket's read of the same room and offset range, in flight or kept). In a storm, shared should dwarf store.",
  labelNames: ['source'] as const,
  registers: [serverRegistry],
});
export const refusals = new Counter({
  name: 'parley_refusals_total',
  help: "Client events refused at the door, by event ('unknown' for names Parley does not know) and error code (RATE_LIMITED: a limit).",
  labelNames: ['event', 'code'] as const,
  registers: [serverRegistry],
});
export const limitFallbacks = new Counter({
  name: 'parley_limit_fallbacks_total',
  help: "Checks of a shared limit answered by the node's own counters because Redis was away, by limit (leases: one check grants a few points).",
  labelNames: ['limit'] as const,
  registers: [serverRegistry],
});
export const redisDisconnections = new Counter({
  name: 'parley_redis_disconnections_total',
  help: 'Times this process lost its connection to Redis (each outage once, however many reconnection attempts it took).',
  registers: [serverRegistry],
});
export const eventsUnavailable = new Counter({
  name: 'parley_events_unavailable_total',
  help: 'Client events not served because the store or the limits were unavailable, or the server was shutting down (UNAVAILABLE, or no answer to a tutorial chat message).',
  labelNames: ['event'] as const,
  registers: [serverRegistry],
});

/** What instrumentServer reads of the process besides its Socket.IO server. */
export interface ServerGauges {
  /** Whether this process's Redis connection is up; undefined without Redis (no gauge then). */
  readonly redisConnected?: () => boolean;
  /** Handshakes held for their turn at the admission pace (src/http/admission.ts). */
  readonly admissionsWaiting?: () => number;
  /** The admission pace now, in new sessions a second (lowered while the event loop is late). */
  readonly admissionRate?: () => number;
}

/**
 * Starts this process's gauges (connections, sockets, rooms followed) and Node's own
 * metrics (event-loop delay, memory, CPU) labelled with `worker`, and makes the process
 * answer the primary's requests for its metrics.
 */
export function instrumentServer(io: ParleyServer, worker: string, gauges: ServerGauges = {}): void {
  const labels = { worker };
  const { redisConnected } = gauges;
  if (redisConnected) {
    new Gauge({
      name: 'parley_redis_connected',
      help: "1 while this process's Redis connection is up; 0 while it is away and the node serves its own clients alone (limits counted by the node, other nodes reached from the store when Redis is back).",
      labelNames: ['worker'] as const,
      registers: [serverRegistry],
      collect() {
        this.set(labels, redisConnected() ? 1 : 0);
      },
    });
  }
  new Gauge({
    name: 'parley_connections',
    help: 'engine.io connections open (io.engine.clientsCount).',
    labelNames: ['worker'] as const,
    registers: [serverRegistry],
    collect() {
      this.set(labels, io.engine.clientsCount);
    },
  });
  new Gauge({
    name: 'parley_sockets',
    help: "Socket.IO sockets of the default namespace (io.of('/').sockets.size).",
    labelNames: ['worker'] as const,
    registers: [serverRegistry],
    collect() {
      this.set(labels, io.of('/').sockets.size);
    },
  });
  new Gauge({
    name: 'parley_room_follows',
    help: 'Live room memberships: sockets following a chat room, summed over rooms.',
    labelNames: ['worker'] as const,
    registers: [serverRegistry],
    collect() {
      let follows = 0;
      for (const [room, members] of io.of('/').adapter.rooms) if (chatRoomOf(room) !== undefined) follows += members.size;
      this.set(labels, follows);
    },
  });
  const { admissionsWaiting, admissionRate } = gauges;
  if (admissionRate) {
    new Gauge({
      name: 'parley_admission_rate',
      help: "New sessions a second this worker lets in now: PARLEY_ADMISSION_RATE, or less while its event loop is late (PARLEY_ADMISSION_LAG_MS).",
      labelNames: ['worker'] as const,
      registers: [serverRegistry],
      collect() {
        this.set(labels, admissionRate());
      },
    });
  }
  if (admissionsWaiting) {
    new Gauge({
      name: 'parley_admissions_waiting',
      help: 'Handshakes held for their turn at the admission pace now.',
      labelNames: ['worker'] as const,
      registers: [serverRegistry],
      collect() {
        this.set(labels, admissionsWaiting());
      },
    });
  }
  collectDefaultMetrics({ register: serverRegistry, labels });
  AggregatorRegistry.setRegistries([serverRegistry]);
  // Constructed for its side effect in a worker: it answers the primary's metric requests.
  new AggregatorRegistry();
}

/** The primary's own metrics: its process, and the node's writer it runs (npm start). */
export const primaryRegistry = new Registry();

export const writerCommitBatchSize = new Histogram({
  name: 'parley_writer_commit_batch_size',
  help: "Appends per group commit of the node's writer (the primary's thread that writes for every worker: SQLite, or PostgreSQL's appends, per room).",
  buckets: [1, 2, 4, 8, 16, 32, 64, 128, 256, 512],
  registers: [primaryRegistry],
});
export const writerCommitSeconds = new Histogram({
  name: 'parley_writer_commit_seconds',
  help: "One group commit of the node's writer, its flush to disk included.",
  buckets: SECONDS,
  registers: [primaryRegistry],
});

/**
 * Gauges and a histogram of one process's PostgreSQL pool (PARLEY_PG_POOL_SIZE), named
 * `<prefix>_connections{state}` (busy, idle), `<prefix>_waiting` (checkouts queued now) and
 * `<prefix>_wait_seconds` (checkouts that found the pool full: how long until they got a
 * connection; its `_count` is the number of waits). Workers report as `parley_pg_pool_*`
 * labelled by worker; the primary (the node's writer) as `parley_writer_pg_pool_*`. They
 * are registered when a pool opens, so a SQLite node has none.
 */
export function poolMetrics(registry: Registry, prefix: string, labels: Readonly<Record<string, string>> = {}): PoolObserver {
  const labelNames = Object.keys(labels);
  let waits: Histogram | undefined;
  return {
    watch: (read) => {
      new Gauge({
        name: `${prefix}_connections`,
        help: 'PostgreSQL connections of this pool, by state: busy (checked out) or idle.',
        labelNames: [...labelNames, 'state'],
        registers: [registry],
        collect() {
          const use = read();
          this.set({ ...labels, state: 'busy' }, use.busy);
          this.set({ ...labels, state: 'idle' }, use.idle);
        },
      });
      new Gauge({
        name: `${prefix}_waiting`,
        help: 'Checkouts queued for a PostgreSQL connection because the pool is full.',
        labelNames,
        registers: [registry],
        collect() {
          this.set(labels, read().waiting);
        },
      });
      waits = new Histogram({
        name: `${prefix}_wait_seconds`,
        help: 'Checkouts that found the PostgreSQL pool full: how long until they got a connection (its count: the waits).',
        labelNames,
        buckets: SECONDS,
        registers: [registry],
      });
    },
    waited: (seconds) => waits?.observe(labels, seconds),
  };
}
