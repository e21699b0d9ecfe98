import { percentiles } from '../stats.js';
import type { Scenario } from './scenario.js';
import { ackedPerSecond, runOnEveryServer, WARM_UP_MS, warmUpNote, type TrafficPlan } from './traffic.js';
import { intact, trafficRows } from './traffic-rows.js';

const CLIENTS = 100;
const SENDERS = 10;
const RATE_PER_SENDER = 50;

/** The busy room's traffic for a sending phase of `durationSeconds` (under-attack runs it too). */
export function busyRoomPlan(durationSeconds: number): TrafficPlan {
  return {
    clients: CLIENTS,
    senders: SENDERS,
    mode: 'open',
    ratePerSender: RATE_PER_SENDER,
    durationMs: durationSeconds * 1000,
    maxPerSender: Math.round(RATE_PER_SENDER * durationSeconds),
    textLength: 64,
    connectConcurrency: 50,
  };
}

/**
 * A busy room: 100 clients, 10 of them sending 50 messages/s each with the tutorial
 * client's settings (one message in flight, ackTimeout 10 s, 3 retries), open loop.
 */
export const busyRoom: Scenario = {
  name: 'busy-room',
  async run(options) {
    const runs = await runOnEveryServer({ ...busyRoomPlan(options.durationSeconds), warmUpMs: WARM_UP_MS }, options);
    const offered = SENDERS * RATE_PER_SENDER;
    return {
      name: this.name,
      title: `${CLIENTS} clients, ${SENDERS} send ${RATE_PER_SENDER} msg/s each for ${options.durationSeconds} s`,
      rows: trafficRows(runs, { messagesPerSecond: offered, deliveriesPerSecond: offered * CLIENTS }, {
        acked: { text: 'all', met: (run) => run.send.ackedOffsets.length === run.send.sent },
        ackedPerSecond: { text: `>= ${offered}/s (98 %)`, met: (run) => ackedPerSecond(run) >= offered * 0.98 },
        ackP95: { text: '<= 20 ms', met: (run) => percentiles(run.send.ackMs).p95 <= 20 },
        ackP99: { text: '<= 100 ms', met: (run) => percentiles(run.send.ackMs).p99 <= 100 },
        integrity: intact,
      }),
      notes: [
        warmUpNote(options.durationSeconds),
        'Acknowledgement latency runs from the send call, so time a message waits in its client\'s one-in-flight queue counts.',
        'acked msgs/s is acknowledged messages over the time from the first send to the last acknowledgement.',
      ],
    };
  },
};
