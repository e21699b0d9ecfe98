import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { pageUrl } from '../../src/operations/ready-line.js';
import { startServer } from '../helpers/server.js';

/** Issue 13, defect 5: `npm start` says where to open Parley once it takes connections. */
describe('the ready line', () => {
  for (const entry of ['cluster', 'main'] as const) {
    test(`${entry}: "Parley is ready: open <url>" once listening, and the page answers there`, async (t) => {
      const server = await startServer({ entry, workers: 1 });
      t.after(() => server.stop());
      const line = await server.waitForLog((log) => typeof log.msg === 'string' && log.msg.startsWith('Parley is ready: open '));
      // The tests listen on 127.0.0.1 only (PARLEY_HOST); `npm start` on every address says localhost.
      assert.equal(line.msg, `Parley is ready: open ${server.url}`);
      assert.equal(line['url'], server.url);
      const page = await fetch(`${String(line['url'])}/`);
      assert.equal(page.status, 200);
      await page.arrayBuffer();
    });
  }

  test('a listener on every address is opened at localhost; a given address as it is', () => {
    assert.equal(pageUrl({ address: '::', family: 'IPv6', port: 3000 }), 'http://localhost:3000');
    assert.equal(pageUrl({ address: '0.0.0.0', family: 'IPv4', port: 3000 }), 'http://localhost:3000');
    assert.equal(pageUrl({ address: '127.0.0.1', family: 'IPv4', port: 8080 }), 'http://127.0.0.1:8080');
    assert.equal(pageUrl({ address: '::1', family: 'IPv6', port: 8080 }), 'http://[::1]:8080');
    assert.equal(pageUrl('/run/parley.sock'), undefined);
  });
});
