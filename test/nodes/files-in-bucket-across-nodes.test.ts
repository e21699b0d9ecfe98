import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { fetchFile, signedIn, upload } from '../files/uploads.js';
import { skipUnlessNodesCanRun, startDeployment, type Deployment } from '../helpers/nodes.js';
import type { Tab } from '../helpers/room-client.js';
import { skipUnlessMoto, startTestS3, type TestS3 } from '../helpers/s3-server.js';
import { tempDir } from '../helpers/server.js';

const skip = skipUnlessMoto() || (await skipUnlessNodesCanRun());
const PREFIX = 'deployment/';

/**
 * Two nodes (two workers each, one PostgreSQL, one Redis) keep files in one bucket. Each node
 * has a files folder of its own (PARLEY_FILES_DIR), as on two machines, so that only the
 * bucket (and the database) is shared: on one machine the default folder would be shared too
 * and could hide a file kept in one node's folder.
 */
describe('files across two nodes sharing one bucket', { skip }, () => {
  let s3: TestS3;
  let deployment: Deployment;
  const tabs: Tab[] = [];

  before(async () => {
    s3 = await startTestS3();
    const folders = [tempDir('parley-node0-files-'), tempDir('parley-node1-files-')];
    deployment = await startDeployment({ nodes: 2, workers: 2, env: s3.env(PREFIX), envOfNode: (index) => ({ PARLEY_FILES_DIR: folders[index] ?? '' }) });
  });
  after(async () => {
    for (const tab of tabs) tab.close();
    await deployment?.close();
    await s3?.close();
  });

  /** Alice on node 0 uploads to a room Bob (on node 1) has joined: the upload's answer, Bob's token. */
  const uploadedOnNodeZero = async (bytes: Buffer): Promise<{ id: string; url: string; bobToken: string }> => {
    const [url0 = '', url1 = ''] = deployment.urls();
    const alice = await signedIn(url0);
    const bob = await signedIn(url1);
    tabs.push(alice.tab, bob.tab);
    const room = await alice.tab.must('room:create', { name: `nodes-files-${randomUUID().slice(0, 8)}` });
    await bob.tab.must('room:join', { roomId: room.id });
    const answer = await upload(url0, alice.token, room.id, 'report.pdf', bytes);
    assert.equal(answer.status, 200, JSON.stringify(answer.body));
    const { id, url } = answer.body['data'] as { id: string; url: string };
    return { id, url, bobToken: bob.token };
  };

  test('a file uploaded on node 0 is in the shared bucket, where every node reads it', async () => {
    const bytes = Buffer.concat([Buffer.from('%PDF-1.4\n'), randomBytes(64 * 1024)]);
    const { id } = await uploadedOnNodeZero(bytes);
    const object = await s3.client.send(new GetObjectCommand({ Bucket: s3.bucket, Key: `${PREFIX}${id}` }));
    assert.deepEqual(Buffer.from(await object.Body!.transformToByteArray()), bytes);
  });

  // The metadata is in the shared database, the bytes in the shared bucket: no folder is shared.
  test('a file uploaded on node 0 is fetched whole on node 1', async () => {
    const bytes = Buffer.concat([Buffer.from('%PDF-1.4\n'), randomBytes(64 * 1024)]);
    const { url, bobToken } = await uploadedOnNodeZero(bytes);
    const fetched = await fetchFile(deployment.urls()[1] ?? '', bobToken, url);
    assert.equal(fetched.status, 200, await fetched.clone().text());
    assert.deepEqual(Buffer.from(await fetched.arrayBuffer()), bytes);
  });
});
