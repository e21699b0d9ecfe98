import type { Scenario } from './scenario.js';
import { cpuPerDelivery, deliveriesPerSecond, runOnEveryServer, type TrafficPlan } from './traffic.js';
import { intact, trafficRows } from './traffic-rows.js';

const CLIENTS = 1_000;
const SENDERS = 5;
const RATE_PER_SENDER = 20;

/**
 * Fan-out: 1,000 clients in one room, 5 of them sending 20 messages/s each, so every
 * message goes out 1,000 times. Measures deliveries/s and server CPU per delivery against
 * the raw ws ceiling on the same load.
 */
export const fanOut: Scenario = {
  name: 'fan-out',
  async run(options) {
    const plan: TrafficPlan = {
      clients: CLIENTS,
      senders: SENDERS,
      mode: 'open',
      ratePerSender: RATE_PER_SENDER,
      durationMs: options.durationSeconds * 1000,
      maxPerSender: Math.round(RATE_PER_SENDER * options.durationSeconds),
      textLength: 64,
      connectConcurrency: 50,
    };
    const runs = await runOnEveryServer(plan, options);
    const offered = SENDERS * RATE_PER_SENDER;
    return {
      name: this.name,
      title: `${CLIENTS.toLocaleString('en-US')} clients, ${SENDERS} send ${RATE_PER_SENDER} msg/s each for ${options.durationSeconds} s`,
      rows: trafficRows(runs, { messagesPerSecond: offered, deliveriesPerSecond: offered * CLIENTS }, {
        deliveriesPerSecond: {
          text: '>= 0.70x raw',
          met: (run, ceiling) => ceiling !== undefined && deliveriesPerSecond(run) >= 0.7 * deliveriesPerSecond(ceiling),
        },
        cpuPerDelivery: {
          text: '<= 1.50x raw',
          met: (run, ceiling) => ceiling !== undefined && cpuPerDelivery(run) <= 1.5 * cpuPerDelivery(ceiling),
        },
        integrity: intact,
      }),
      notes: [
        'deliveries/s counts messages received by all clients, from the first send to the last delivery.',
        'Server CPU is user + system time of every server process (Parley: primary and workers) from the first send until every client held the last acknowledged offset.',
        'The clients share the machine with the server; when the machine is near 100 % busy, deliveries/s is bounded by the box, not by either server alone.',
      ],
    };
  },
};
