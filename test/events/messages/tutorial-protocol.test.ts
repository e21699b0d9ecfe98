import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { connected, eventually, tutorialClient } from '../../helpers/clients.js';
import { startServer, type RunningServer } from '../../helpers/server.js';

/** The tutorial's wire protocol, spoken exactly as its page speaks it, on both transports. */
for (const transport of ['polling', 'websocket'] as const) {
  describe(`tutorial protocol over ${transport}`, () => {
    let server: RunningServer;
    before(async () => {
      server = await startServer({ workers: 2 });
    });
    after(async () => {
      assert.equal(await server.stop(), 0, 'SIGTERM exits 0');
    });

    test('serves the page, the client bundle and the health check', async () => {
      const [page, bundle, health] = await Promise.all([
        fetch(`${server.url}/`),
        fetch(`${server.url}/socket.io/socket.io.js`),
        fetch(`${server.url}/healthz`),
      ]);
      assert.equal(page.status, 200);
      assert.match(await page.text(), /<script src="\/socket.io\/socket.io.js"><\/script>/);
      assert.match(page.headers.get('content-security-policy') ?? '', /script-src 'self'/);
      assert.equal(bundle.status, 200);
      assert.match(await bundle.text(), /io/);
      assert.equal(health.status, 200);
    });

    test('a message is stored, broadcast to everyone including the sender, then acknowledged', async () => {
      const alice = tutorialClient(server.url, { transports: [transport] });
      const bob = tutorialClient(server.url, { transports: [transport] });
      await Promise.all([connected(alice), connected(bob)]);
      const before = alice.deliveries.length;
      const ack = await alice.emitWithAck('chat message', `hello from ${transport}`, `${alice.id}-0`);
      assert.equal(ack.ok, true);
      assert.ok(ack.ok && ack.data.serverOffset > 0 && ack.data.duplicate === false);
      const offset = ack.ok ? ack.data.serverOffset : -1;
      // The broadcast reached the sender before its acknowledgement.
      assert.deepEqual(alice.deliveries.at(-1), { text: `hello from ${transport}`, serverOffset: offset });
      assert.equal(alice.deliveries.length, before + 1);
      await eventually(() => bob.deliveries.some((d) => d.serverOffset === offset), 'bob receives it');
      assert.equal((alice.auth as { serverOffset: number }).serverOffset, offset);
      alice.close();
      bob.close();
    });

    test('a repeated clientOffset is acknowledged again, not stored or broadcast again', async () => {
      const alice = tutorialClient(server.url, { transports: [transport] });
      const bob = tutorialClient(server.url, { transports: [transport] });
      await Promise.all([connected(alice), connected(bob)]);
      const first = await alice.emitWithAck('chat message', 'only once', `${alice.id}-7`);
      const second = await alice.emitWithAck('chat message', 'only once', `${alice.id}-7`);
      assert.ok(first.ok && second.ok);
      assert.equal(second.data.serverOffset, first.data.serverOffset);
      assert.equal(second.data.duplicate, true);
      const marker = await alice.emitWithAck('chat message', 'marker', `${alice.id}-8`);
      assert.ok(marker.ok);
      await eventually(() => bob.deliveries.some((d) => d.serverOffset === marker.data.serverOffset), 'bob receives the marker');
      assert.equal(bob.deliveries.filter((d) => d.text === 'only once').length, 1, 'broadcast once');
      alice.close();
      bob.close();
    });

    test("two clients' identical `undefined-0` offsets are two messages, never merged", async () => {
      const alice = tutorialClient(server.url, { transports: [transport] });
      const bob = tutorialClient(server.url, { transports: [transport] });
      await Promise.all([connected(alice), connected(bob)]);
      const [a, b] = await Promise.all([
        alice.emitWithAck('chat message', 'same words', 'undefined-0'),
        bob.emitWithAck('chat message', 'same words', 'undefined-0'),
      ]);
      assert.ok(a.ok && b.ok);
      assert.notEqual(a.data.serverOffset, b.data.serverOffset);
      assert.equal(a.data.duplicate || b.data.duplicate, false);
      // Another client reusing a string on purpose cannot swallow a message either.
      const c = await bob.emitWithAck('chat message', 'different words', 'undefined-0');
      assert.ok(c.ok && !c.data.duplicate);
      alice.close();
      bob.close();
    });

    test('a reconnecting client receives what it missed once, in order, then the live stream', async () => {
      const writer = tutorialClient(server.url, { transports: [transport] });
      await connected(writer);
      const first = await writer.emitWithAck('chat message', 'before', `${writer.id}-1`);
      assert.ok(first.ok);
      const reader = tutorialClient(server.url, { transports: [transport], serverOffset: first.data.serverOffset });
      await connected(reader);
      reader.disconnect();
      const missed: number[] = [];
      for (let i = 0; i < 20; i++) {
        const ack = await writer.emitWithAck('chat message', `missed ${i}`, `${writer.id}-m${i}`);
        assert.ok(ack.ok);
        missed.push(ack.data.serverOffset);
      }
      reader.connect();
      await connected(reader);
      const live = await writer.emitWithAck('chat message', 'live', `${writer.id}-live`);
      assert.ok(live.ok);
      await eventually(() => reader.deliveries.some((d) => d.serverOffset === live.data.serverOffset), 'reader gets the live message');
      const offsets = reader.deliveries.map((d) => d.serverOffset);
      assert.deepEqual(offsets, Array.from({ length: offsets.length }, (_, i) => first.data.serverOffset + 1 + i), 'no gap, no repeat');
      assert.ok(missed.every((offset) => offsets.includes(offset)));
      writer.close();
      reader.close();
    });
  });
}
