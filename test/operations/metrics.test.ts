import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { connected, eventually, tutorialClient } from '../helpers/clients.js';
import { freePort, startServer, type RunningServer } from '../helpers/server.js';
import { parsePrometheusText, total, type Sample } from './prometheus-text.js';

const TOKEN = 'metrics-token-for-the-test-0123';


/**
 * Issue 12, part 1: `GET /metrics` of a 2-worker node in the Prometheus text format, summed
 * over its workers (event-loop delay and memory per worker), on a port of its own and only
 * with the token; the counters move with real traffic.
 */
describe('metrics of a 2-worker node', () => {
  let server: RunningServer;
  let metricsPort: number;
  before(async () => {
    metricsPort = await freePort();
    server = await startServer({ workers: 2, env: {
        PARLEY_METRICS_PORT: String(metricsPort),
        PARLEY_METRICS_TOKEN: TOKEN,
        // Room for the 20 messages of a test, not for a flood.
        PARLEY_RATE_LIMIT: '20',
        PARLEY_RATE_BURST: '40',
      },
    });
  });
  after(async () => {
    await server.stop();
  });

  const scrape = async (): Promise<Sample[]> => {
    const response = await fetch(`http://127.0.0.1:${metricsPort}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } });
    assert.equal(response.status, 200);
    assert.match(response.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
    return parsePrometheusText(await response.text()).samples;
  };

  test('served on its own port, only with the token, never on the chat port', async () => {
    assert.equal((await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).status, 401);
    assert.equal((await fetch(`http://127.0.0.1:${metricsPort}/metrics`, { headers: { authorization: 'Bearer wrong-token-wrong-token' } })).status, 401);
    assert.equal((await fetch(`${server.url}/metrics`)).status, 404);
  });

  test('the counters move with traffic, summed over both workers', async () => {
    const before = await scrape();
    const sender = tutorialClient(server.url, { transports: ['websocket'] });
    const reader = tutorialClient(server.url, { transports: ['polling'] });
    try {
      await Promise.all([connected(sender), connected(reader)]);
      for (let i = 0; i < 20; i++) assert.ok((await sender.emitWithAck('chat message', `metered ${i}`, `m-${i}`)).ok);
      await eventually(() => reader.deliveries.length >= 20, 'the reader has the 20 messages');
      // Refused at the door: an event Parley does not know.
      for (let i = 0; i < 5; i++) await sender.timeout(5000).emitWithAck('no such event' as 'chat message', 'x', 'y').catch(() => undefined);
      // A connection error: engine.io code 1, unknown session id.
      await fetch(`${server.url}/socket.io/?EIO=4&transport=polling&sid=nope`);

      const after = await scrape();
      const grew = (name: string, labels: Record<string, string> = {}): number => total(after, name, labels) - total(before, name, labels);
      assert.equal(grew('parley_messages_stored_total'), 20);
      assert.ok(grew('parley_deliveries_total', { path: 'live' }) >= 40, 'each message to both clients (the tutorial echoes to its sender)');
      assert.equal(grew('parley_ack_seconds_count', { event: 'chat message' }), 20);
      assert.equal(grew('parley_store_write_seconds_count'), 20);
      assert.ok(grew('parley_writer_commit_batch_size_count') >= 1, "the node's writer reports its group commits");
      assert.equal(grew('parley_writer_commit_batch_size_sum'), 20, 'the 20 appends went through its commits');
      assert.equal(grew('parley_refusals_total', { event: 'unknown', code: 'UNKNOWN_EVENT' }), 5);
      assert.ok(grew('parley_connection_errors_total', { code: '1' }) >= 1);
      assert.ok(grew('parley_catch_up_messages_count') >= 2, 'both connections were caught up');
      assert.equal(total(after, 'parley_connections'), 2, 'two connections, wherever they are');
      assert.equal(total(after, 'parley_sockets'), 2);
      assert.equal(total(after, 'parley_room_follows'), 2);
      // Per worker: event-loop delay and memory carry the worker's label.
      const workers = (name: string): string[] => [...new Set(after.filter((sample) => sample.name === name).map((sample) => sample.labels['worker']))].sort() as string[];
      assert.deepEqual(workers('nodejs_eventloop_lag_p99_seconds'), ['0', '1']);
      assert.deepEqual(workers('process_resident_memory_bytes'), ['0', '1']);
      assert.ok(total(after, 'parley_primary_process_resident_memory_bytes') > 0, "the primary's own");
    } finally {
      sender.close();
      reader.close();
    }
  });

  test('a flood: every RATE_LIMITED answer is counted as a refusal of its event', async (t) => {
    const flooder = tutorialClient(server.url, { transports: ['websocket'] });
    t.after(() => flooder.close());
    await connected(flooder);
    const before = await scrape();
    // Past the burst allowance (PARLEY_RATE_BURST, 40) in one go: the rest is refused.
    const acks = await Promise.all(
      Array.from({ length: 120 }, (_, i) => flooder.timeout(10_000).emitWithAck('chat message', `flood ${i}`, `${flooder.id}-f${i}`)),
    );
    const limited = acks.filter((ack) => !ack.ok && ack.error === 'RATE_LIMITED').length;
    assert.ok(limited > 0, 'the flood was rate limited');
    const after = await scrape();
    const grew = total(after, 'parley_refusals_total', { event: 'chat message', code: 'RATE_LIMITED' }) -
      total(before, 'parley_refusals_total', { event: 'chat message', code: 'RATE_LIMITED' });
    assert.equal(grew, limited, 'one refusal counted per RATE_LIMITED answer');
    assert.equal(total(after, 'parley_messages_stored_total') - total(before, 'parley_messages_stored_total'), 120 - limited);
  });
});
