import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import type { RestrictionView } from '../../src/shared/events.js';
import { codeOf } from '../helpers/ack.js';
import { grantAdmin } from '../helpers/admin-command.js';
import { skipUnlessNodesCanRun, startDeployment, type Deployment } from '../helpers/nodes.js';
import { accountTab, adminApi, eventually, must, refusedHandshake, watchedTab, type WatchedTab } from '../moderation/moderation-client.js';
import { newBrowser } from '../helpers/room-client.js';

const skip = await skipUnlessNodesCanRun();
const TOKEN = 'moderation-across-nodes-admin-token-42';

/**
 * Issue 12, part 3 across two nodes (PostgreSQL and Redis, two workers each): an admin on
 * one node kicks, bans and mutes a user whose tabs are on the other node; the ban is
 * refused on both nodes at once, and a node started after the ban refuses it too.
 */
describe('moderation across two nodes', { skip }, () => {
  let deployment: Deployment;
  const opened: WatchedTab[] = [];
  const rootName = `root${randomUUID().slice(0, 8)}`;
  before(async () => {
    deployment = await startDeployment({ nodes: 2, workers: 2, env: { PARLEY_ADMIN_TOKENS: TOKEN } });
  });
  after(async () => {
    for (const watched of opened) watched.tab.close();
    await deployment?.close();
  });

  test('a ban from node A closes the tabs on node B at once and is refused by both nodes, and by a node restarted after it; mutes hold on B', async () => {
    const [a, b] = deployment.urls() as [string, string];
    const { watched: admin } = await accountTab(a, rootName);
    opened.push(admin);
    // The operator makes the first admin on the server, in the shared PostgreSQL database.
    await grantAdmin(deployment.databaseUrl, rootName);
    const browser = newBrowser();
    const onB = [await watchedTab(b, browser), await watchedTab(b, browser)];
    const onA = await watchedTab(a, browser);
    opened.push(...onB, onA);
    const victim = await onB[0]!.tab.whoAmI();

    const room = await onB[0]!.tab.must('room:create', { name: `mute-${randomUUID().slice(0, 8)}` });
    await onB[1]!.tab.must('room:join', { roomId: room.id });
    await must(admin.tab.socket, 'mod:mute', { userId: victim.id, roomId: room.id, reason: 'calm' });
    for (const watched of onB) {
      assert.equal(codeOf(await watched.tab.call('message:send', { roomId: room.id, text: 'x', clientId: randomUUID() })), 'MUTED', 'node B knows the mute');
    }

    await must(admin.tab.socket, 'mod:kick', { userId: victim.id });
    for (const watched of [...onB, onA]) await eventually(() => watched.disconnects.includes('io server disconnect'), 'kicked on both nodes');

    const again = await watchedTab(b, browser);
    opened.push(again);
    const started = Date.now();
    const ban = await must<RestrictionView>(admin.tab.socket, 'mod:ban', { userId: victim.id, reason: 'raid' });
    assert.equal(ban.userId, victim.id);
    await eventually(() => again.disconnects.includes('io server disconnect'), 'the tab on node B closes');
    const took = Date.now() - started;
    for (const url of [a, b]) {
      for (let attempt = 0; attempt < 4; attempt++) assert.match((await refusedHandshake(url, browser)).message, /banned: raid/, `refused by ${url}`);
    }

    // A node that starts after the ban reads it from the store before it takes a connection.
    await deployment.stop(1);
    await deployment.start(1);
    assert.match((await refusedHandshake(b, browser)).message, /banned: raid/, 'refused by a node started after the ban');

    const lifted = await adminApi(b, TOKEN, 'POST', 'unban', { userId: victim.id });
    assert.equal(lifted.status, 200);
    const back = await watchedTab(a, browser);
    opened.push(back);
    assert.equal((await back.tab.whoAmI()).id, victim.id, 'lifted through node B, node A lets the user in');
    await back.tab.must('room:join', { roomId: room.id });
    assert.equal(codeOf(await back.tab.call('message:send', { roomId: room.id, text: 'still muted', clientId: randomUUID() })), 'MUTED', 'the mute outlives the ban');
    // How long the ban took end to end (stored, every server of both nodes confirmed, tabs closed).
    assert.ok(took < 6000, `the ban took effect within the adapters' request timeout (${took} ms)`);
  });
});
