import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { cookieValue, exchange } from '../accounts/session-http.js';
import { ackOf, codeOf } from '../helpers/ack.js';
import type { Tab } from '../helpers/room-client.js';
import { tabWorld } from '../helpers/world.js';

// A small size limit and quota, so that the tests reach them with a few bytes.
const MAX_BYTES = 64 * 1024;
const QUOTA_BYTES = 160 * 1024;
// The address's fetch budget too, so that the last test spends it (the others fetch about a dozen times).
const FETCHES_PER_ADDRESS = 30;
const world = tabWorld({
  workers: 2,
  env: {
    PARLEY_FILES_MAX_BYTES: String(MAX_BYTES),
    PARLEY_FILES_QUOTA_BYTES: String(QUOTA_BYTES),
    PARLEY_LIMITS: JSON.stringify({ 'file-reads.address': { points: FETCHES_PER_ADDRESS, seconds: 600 } }),
  },
});

const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(64, 7)]);
const PDF = Buffer.from('%PDF-1.4\n% a tiny document\n');
const HTML = Buffer.from('<!doctype html><script>fetch("/files").then(r => r.text()).then(alert)</script>');

interface Answer {
  readonly status: number;
  readonly body: Record<string, unknown>;
}

/** A tab signed in to a new account, with the token its HTTP calls carry. */
async function member(): Promise<{ tab: Tab; token: string; userId: string }> {
  const tab = await world.open();
  const session = await tab.must('account:register', { username: `u${randomUUID().slice(0, 8)}`, password: 'correct horse battery' });
  return { tab, token: session.token, userId: session.user.id };
}

async function upload(token: string | undefined, roomId: number, name: string, bytes: Buffer): Promise<Answer> {
  const response = await fetch(`${world.url}/files?roomId=${roomId}&name=${encodeURIComponent(name)}`, {
    method: 'POST',
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), 'content-type': 'image/png' },
    body: new Uint8Array(bytes),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

const fetchFile = (token: string | undefined, url: string): Promise<Response> => fetch(`${world.url}${url}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });

const filesDir = (): string => path.join(path.dirname(world.server.databaseFile), 'files');

describe('files: uploaded through the pipeline, typed by their bytes, fetched only by readers of the room', () => {
  test('a member uploads an image and a PDF; another member fetches each with safe headers', async () => {
    const alice = await member();
    const bob = await member();
    const room = await alice.tab.must('room:create', { name: `files-${randomUUID().slice(0, 8)}` });
    await bob.tab.must('room:join', { roomId: room.id });

    const image = await upload(alice.token, room.id, '../../holiday.png', PNG);
    assert.equal(image.status, 200, JSON.stringify(image.body));
    const info = image.body['data'] as { id: string; url: string; name: string; type: string; size: number };
    assert.match(info.id, /^[A-Za-z0-9_-]{32}$/);
    assert.deepEqual({ name: info.name, type: info.type, size: info.size }, { name: 'holiday.png', type: 'image/png', size: PNG.length });

    const shown = await fetchFile(bob.token, info.url);
    assert.equal(shown.status, 200);
    assert.deepEqual(Buffer.from(await shown.arrayBuffer()), PNG);
    assert.equal(shown.headers.get('content-type'), 'image/png');
    assert.match(shown.headers.get('content-disposition') ?? '', /^inline;/);
    assert.equal(shown.headers.get('x-content-type-options'), 'nosniff');
    assert.match(shown.headers.get('content-security-policy') ?? '', /sandbox/);

    const pdf = await upload(alice.token, room.id, 'minutes.pdf', PDF);
    const pdfInfo = pdf.body['data'] as { url: string; type: string };
    assert.equal(pdfInfo.type, 'application/pdf');
    const document = await fetchFile(bob.token, pdfInfo.url);
    assert.equal(document.status, 200);
    assert.match(document.headers.get('content-disposition') ?? '', /^attachment; filename\*=UTF-8''minutes\.pdf$/);
  });

  test('an HTML page named .png and sent as image/png is stored as text and served as a download, never as a page', async () => {
    const alice = await member();
    const room = await alice.tab.must('room:create', { name: `forged-${randomUUID().slice(0, 8)}` });
    const forged = await upload(alice.token, room.id, 'cat.png', HTML);
    assert.equal(forged.status, 200, JSON.stringify(forged.body));
    const info = forged.body['data'] as { url: string; type: string };
    assert.equal(info.type, 'text/plain', 'the type comes from the bytes, not the name or Content-Type');
    const served = await fetchFile(alice.token, info.url);
    assert.equal(served.headers.get('content-type'), 'text/plain; charset=utf-8');
    assert.match(served.headers.get('content-disposition') ?? '', /^attachment;/);
    assert.equal(served.headers.get('x-content-type-options'), 'nosniff');
    assert.equal(served.headers.get('content-security-policy'), "default-src 'none'; sandbox");
  });

  test('refused: a guest, a non-member of a public room, someone outside a direct room, with the URL in hand; an upload to a room one is not in', async () => {
    const alice = await member();
    const bob = await member();
    const eve = await member();
    const room = await alice.tab.must('room:create', { name: `private-${randomUUID().slice(0, 8)}` });
    const direct = await alice.tab.must('dm:open', { userId: bob.userId });
    const inRoom = ((await upload(alice.token, room.id, 'a.png', PNG)).body['data'] as { url: string }).url;
    const inDirect = ((await upload(alice.token, direct.id, 'b.png', PNG)).body['data'] as { url: string }).url;

    assert.equal((await fetchFile(bob.token, inDirect)).status, 200, 'the other person of the direct room reads it');
    assert.equal((await fetchFile(undefined, inRoom)).status, 401, 'a guest');
    const outsider = await fetchFile(eve.token, inRoom);
    assert.equal(outsider.status, 403, 'not a member of the public room');
    assert.equal(((await outsider.json()) as { error: string }).error, 'NOT_MEMBER');
    const others = await fetchFile(eve.token, inDirect);
    assert.equal(others.status, 404, "another's direct room: as if there were no such file");
    assert.equal((await fetchFile(eve.token, `/files/${'A'.repeat(32)}`)).status, 404, 'an unknown id');
    assert.equal((await fetchFile(eve.token, '/files/..%2F..%2Fparley.db')).status, 404, 'a path is no id');

    const overSocket = await ackOf(alice.tab.socket, 'file:upload', { roomId: room.id, name: 'x.png', bytes: PNG });
    assert.equal(codeOf(overSocket), 'FORBIDDEN', 'the file events are not open over Socket.IO');
    const readOverSocket = await ackOf(eve.tab.socket, 'file:get', { roomId: room.id, id: inRoom.slice('/files/'.length) });
    assert.equal(codeOf(readOverSocket), 'FORBIDDEN');

    const intruder = await upload(eve.token, direct.id, 'x.png', PNG);
    assert.equal(intruder.status, 404, JSON.stringify(intruder.body));
    assert.equal((await upload(undefined, room.id, 'x.png', PNG)).status, 401);
  });

  test('an upload over PARLEY_FILES_MAX_BYTES is refused (413) and nothing is stored; past the quota, QUOTA_EXCEEDED', async () => {
    const alice = await member();
    const room = await alice.tab.must('room:create', { name: `big-${randomUUID().slice(0, 8)}` });
    const before = existsSync(path.join(filesDir(), 'blobs')) ? readdirSync(path.join(filesDir(), 'blobs')).length : 0;
    const oversize = await upload(alice.token, room.id, 'big.png', Buffer.alloc(MAX_BYTES + 1, 1));
    assert.equal(oversize.status, 413);
    assert.equal(oversize.body['error'], 'FILE_TOO_LARGE');
    const after = existsSync(path.join(filesDir(), 'blobs')) ? readdirSync(path.join(filesDir(), 'blobs')).length : 0;
    assert.equal(after, before, 'nothing stored');

    const chunk = Buffer.alloc(MAX_BYTES, 0x41);
    assert.equal((await upload(alice.token, room.id, '1.txt', chunk)).status, 200);
    assert.equal((await upload(alice.token, room.id, '2.txt', chunk)).status, 200);
    const third = await upload(alice.token, room.id, '3.txt', chunk);
    assert.equal(third.status, 413, JSON.stringify(third.body));
    assert.equal(third.body['error'], 'QUOTA_EXCEEDED');
  });
});

describe('files: the browser session cookie speaks for the page that holds it, and only for a trusted origin', () => {
  test("a signed-in page uploads and fetches with its cookie; another site's page with the same cookie is a stranger", async () => {
    const tab = await world.open();
    const session = await tab.must('account:register', { username: `c${randomUUID().slice(0, 8)}`, password: 'correct horse battery' });
    const cookie = cookieValue((await exchange(world.url, session.exchange)).setCookie);
    assert.ok(cookie, 'the exchange sets the cookie');
    const room = await tab.must('room:create', { name: `cookie-${randomUUID().slice(0, 8)}` });
    const post = (origin: string): Promise<Response> =>
      fetch(`${world.url}/files?roomId=${room.id}&name=a.png`, { method: 'POST', headers: { cookie: `parley_session=${cookie}`, origin }, body: new Uint8Array(PNG) });

    const own = await post(world.url);
    assert.equal(own.status, 200, 'the page of Parley itself');
    const { url } = ((await own.json()) as { data: { url: string } }).data;
    const image = await fetch(`${world.url}${url}`, { headers: { cookie: `parley_session=${cookie}` } });
    assert.equal(image.status, 200, 'an <img> of the page: a GET with the cookie and no Origin');
    assert.equal((await post('https://evil.example')).status, 401, "another site's page: the cookie does not speak for it");
  });
});

describe('files: forged tokens cost their sender', () => {
  test('fetches with forged tokens are refused 401, then 429 once the address spent its budget', async () => {
    const statuses: number[] = [];
    for (let attempt = 0; attempt <= FETCHES_PER_ADDRESS; attempt += 1) {
      statuses.push((await fetchFile(`forged-${attempt}`, `/files/${'B'.repeat(32)}`)).status);
    }
    assert.equal(statuses[0], 401);
    assert.equal(statuses.at(-1), 429, statuses.join(' '));
  });
});
