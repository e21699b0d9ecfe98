import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { DeliveryChecker, readHistory } from '../helpers/checker.js';
import { startServer, type RunningServer } from '../helpers/server.js';
import { jitter, letTimePass } from '../helpers/waits.js';


/**
 * The delivery property under load: many concurrent senders on two workers and both
 * transports, with random transport drops mid-traffic. Every acknowledged message is
 * stored once, and every client receives the whole history exactly once, in order.
 */
describe('exactly-once, in-order delivery under concurrent senders and random disconnects', () => {
  let server: RunningServer;
  before(async () => {
    // The senders here go as fast as acknowledgements come (over 600 a second each on a fast
    // client): this is about exactly-once under concurrency, not the rate limit, which would
    // refuse them and then close them (an `io server disconnect`, after which a client does
    // not reconnect and its pending sends never end). The limits have tests of their own.
    server = await startServer({ workers: 2, env: { PARLEY_RATE_LIMIT: '1000000', PARLEY_RATE_BURST: '1000000' } });
  });
  after(async () => {
    await server.stop();
  });

  test('24 clients, 2 workers, both transports, random disconnects', async (t) => {
    const checker = new DeliveryChecker(server.url, {
      clients: 24,
      transports: (index) => (index % 3 === 0 ? ['polling'] : index % 3 === 1 ? ['websocket'] : ['polling', 'websocket']),
    });
    t.after(() => checker.closeAll());
    await checker.connectAll();
    const workersUsed = new Set(checker.clients.map((client) => client.socket.io.engine.id.split('.')[0]));
    assert.equal(workersUsed.size, 2, 'clients are spread over both workers');

    const deadline = Date.now() + 6000;
    let drops = 0;
    const senders = checker.clients.map(async (client) => {
      for (let round = 0; round < 40 && Date.now() < deadline; round++) {
        // One message in flight per client, as the tutorial's page does when typing fast.
        await checker.send(client);
        if (Math.random() < 0.08) {
          drops++;
          client.socket.io.engine.close(); // the transport drops; the client reconnects by itself
        }
        await jitter(20);
      }
    });
    await Promise.all(senders);
    assert.ok(drops > 5, `exercised reconnects (${drops})`);
    const acknowledged = checker.acknowledged();
    assert.ok(acknowledged.length > 300, `enough traffic (${acknowledged.length} acknowledged)`);
    const highest = Math.max(...acknowledged.map((send) => (send.ack?.ok ? send.ack.data.serverOffset : 0)));
    const history = await readHistory(server.url, highest);
    await checker.verify(history);
  });

  test('a client catching up from 0 while others broadcast gets the history once, in order', async (t) => {
    const checker = new DeliveryChecker(server.url, { clients: 6 });
    t.after(() => checker.closeAll());
    await checker.connectAll();
    for (let i = 0; i < 10; i++) await Promise.all(checker.clients.map((client) => checker.send(client)));
    const stopAt = Date.now() + 1500;
    const background = Promise.all(
      checker.clients.map(async (client) => {
        while (Date.now() < stopAt) await checker.send(client);
      }),
    );
    // New readers join from offset 0 in the middle of the traffic.
    const late = new DeliveryChecker(server.url, { clients: 8, transports: (i) => (i % 2 ? ['polling'] : ['websocket']) });
    t.after(() => late.closeAll());
    await letTimePass(300, 'the late clients join while traffic still runs');
    await late.connectAll();
    await background;
    const acknowledged = checker.acknowledged();
    const highest = Math.max(...acknowledged.map((send) => (send.ack?.ok ? send.ack.data.serverOffset : 0)));
    const history = await readHistory(server.url, highest);
    await checker.verify(history);
    await late.verify(history);
  });
});
