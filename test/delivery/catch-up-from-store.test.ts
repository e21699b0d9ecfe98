import { test } from 'node:test';
import { DeliveryChecker, readHistory } from '../helpers/checker.js';
import { startServer } from '../helpers/server.js';
import { pace } from '../helpers/waits.js';


/**
 * After a restart no feed holds the history in memory, so catch-up reads the store, and
 * clients starting from the same offset share those reads (src/delivery/shared-reads.ts).
 * Small batches make every client go through many shared reads while others send.
 */
test('after a restart, clients catching up from the store together while others send get everything once, in order', async (t) => {
  const first = await startServer({ workers: 2 });
  t.after(() => first.stop('SIGKILL'));
  const writers = new DeliveryChecker(first.url, { clients: 6 });
  t.after(() => writers.closeAll());
  await writers.connectAll();
  for (let round = 0; round < 25; round++) await Promise.all(writers.clients.map((client) => writers.send(client)));
  writers.closeAll();
  await first.stop('SIGTERM');

  const server = await startServer({ workers: 2, databaseFile: first.databaseFile, env: { PARLEY_CATCHUP_BATCH: '16' } });
  t.after(() => server.stop());
  const live = new DeliveryChecker(server.url, { clients: 3 });
  t.after(() => live.closeAll());
  await live.connectAll();
  const stopAt = Date.now() + 1500;
  const traffic = Promise.all(
    live.clients.map(async (client) => {
      while (Date.now() < stopAt) {
        await live.send(client);
        await pace(10, 'the next live message');
      }
    }),
  );
  const readers = new DeliveryChecker(server.url, { clients: 16, transports: (i) => (i % 4 === 0 ? ['polling'] : ['websocket']) });
  t.after(() => readers.closeAll());
  await readers.connectAll();
  await traffic;

  const acknowledged = [...writers.acknowledged(), ...live.acknowledged()];
  const highest = Math.max(...acknowledged.map((send) => (send.ack?.ok ? send.ack.data.serverOffset : 0)));
  const history = await readHistory(server.url, highest);
  await readers.verify(history);
  await live.verify(history);
});
