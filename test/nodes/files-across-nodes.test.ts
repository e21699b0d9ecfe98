import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { skipUnlessNodesCanRun, startDeployment, type Deployment } from '../helpers/nodes.js';
import { newBrowser, Tab } from '../helpers/room-client.js';
import type { FileInfo } from '../../src/shared/protocol/files.js';

const skip = await skipUnlessNodesCanRun();

const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(64, 3)]);

/**
 * Issue 25, item 2: a file attached on one node is known, fetched and seen on the other (two
 * nodes of two workers on one PostgreSQL and one Redis; the bytes in one folder both nodes
 * mount, as the local file store needs across nodes; the metadata in PostgreSQL).
 */
describe('files across two nodes', { skip }, () => {
  let deployment: Deployment;
  let filesDir: string;
  const opened: Tab[] = [];

  const member = async (node: number): Promise<{ tab: Tab; token: string }> => {
    const tab = await Tab.open(deployment.urls()[node] ?? '', { browser: newBrowser() });
    opened.push(tab);
    const session = await tab.must('account:register', { username: `n${randomUUID().slice(0, 8)}`, password: 'correct horse battery' });
    return { tab, token: session.token };
  };

  before(async () => {
    filesDir = mkdtempSync(path.join(os.tmpdir(), 'parley-shared-files-'));
    deployment = await startDeployment({ nodes: 2, workers: 2, env: { PARLEY_FILES_DIR: filesDir } });
  });
  after(async () => {
    for (const tab of opened) tab.close();
    await deployment?.close();
    rmSync(filesDir, { recursive: true, force: true });
  });

  test('uploaded and attached on node 0: node 1 delivers the message with it, serves it and its thumbnail, and 404 once deleted', async () => {
    const [ana, ben] = [await member(0), await member(1)];
    const room = await ana.tab.must('room:create', { name: `files-${randomUUID().slice(0, 8)}` });
    await ben.tab.must('room:join', { roomId: room.id });
    const [node0, node1] = deployment.urls();
    const response = await fetch(`${node0}/files?roomId=${room.id}&name=map.png`, { method: 'POST', headers: { authorization: `Bearer ${ana.token}` }, body: new Uint8Array(PNG) });
    assert.equal(response.status, 200);
    const file = ((await response.json()) as { data: FileInfo }).data;

    const sent = await ana.tab.must('message:send', { roomId: room.id, text: 'the map', clientId: randomUUID(), attachments: [file.id] });
    await ben.tab.waitFor(() => ben.tab.eventsOf(room.id).some((event) => event.offset === sent.serverOffset), 'node 1 gets the message');
    assert.deepEqual(ben.tab.eventsOf(room.id).find((event) => event.offset === sent.serverOffset)?.attachments, [file]);
    const [history] = await ben.tab.must('history:before', { roomId: room.id, before: sent.serverOffset + 1, limit: 1 });
    assert.deepEqual(history?.attachments, [file]);

    const fetchOn1 = (url: string) => fetch(`${node1}${url}`, { headers: { authorization: `Bearer ${ben.token}` } });
    const shown = await fetchOn1(file.url);
    assert.equal(shown.status, 200);
    assert.deepEqual(Buffer.from(await shown.arrayBuffer()), PNG);
    assert.equal((await fetchOn1(file.thumbnailUrl ?? '')).status, 200);

    // Deleted on node 1: node 0 knows the file is gone as well.
    const other = await member(1);
    const stolen = await other.tab.call('message:send', { roomId: room.id, text: 'mine now', clientId: randomUUID(), attachments: [file.id] });
    assert.equal(stolen.ok ? 'ok' : stolen.error, 'NOT_MEMBER', 'a non-member cannot even send there');
    await ana.tab.must('message:delete', { roomId: room.id, target: sent.serverOffset, clientId: randomUUID() });
    assert.equal((await fetchOn1(file.url)).status, 404);
    assert.equal((await fetch(`${node0}${file.url}`, { headers: { authorization: `Bearer ${ana.token}` } })).status, 404);
  });
});
