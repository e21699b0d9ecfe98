// The three ways a program posts a message, side by side in one run on one server (SQLite,
// one worker): a room-protocol socket (`message:send`), the bot API (`POST /api/bot/send`)
// and an incoming webhook (`POST /hooks/<id>/<secret>`). Each sends `PARLEY_BENCH_COUNT`
// messages one after the other (each answered once stored, fsynced and delivered) and then
// as many with `concurrency` in flight; the report is the time per message and the
// messages per second, so their ratios hold on a busy machine while absolute figures do not.
// Run: npm run build && node --import tsx bench/integrations.ts
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { io } from 'socket.io-client';

const COUNT = Number(process.env['PARLEY_BENCH_COUNT'] ?? 300);
const CONCURRENCY = 16;
const OPERATOR = 'bench-operator-token-0123456789';
const UNLIMITED = { points: 1_000_000_000, seconds: 1 };

const dir = mkdtempSync(path.join(tmpdir(), 'parley-bench-integrations-'));
const port = 40_000 + Math.floor(Math.random() * 10_000);
const url = `http://127.0.0.1:${port}`;
const server = spawn(process.execPath, ['dist/main.js'], {
  env: {
    ...process.env,
    PORT: String(port),
    HOST: '127.0.0.1',
    PARLEY_DATABASE_URL: `sqlite:${path.join(dir, 'parley.db')}`,
    PARLEY_ADMIN_TOKENS: OPERATOR,
    PARLEY_PRE_STOP_MS: '0',
    PARLEY_LIMITS: JSON.stringify(Object.fromEntries(['bot-messages.user', 'webhook.hook', 'webhook.address'].map((name) => [name, UNLIMITED]))),
    // The message limits follow these two (src/config.ts), whatever PARLEY_LIMITS says.
    PARLEY_RATE_LIMIT: '1000000',
    PARLEY_RATE_BURST: '1000000',
    PARLEY_LOG_LEVEL: 'warn',
  },
  stdio: 'ignore',
});

try {
  for (let attempt = 0; ; attempt++) {
    const up = await fetch(`${url}/healthz`).then((response) => response.ok, () => false);
    if (up) break;
    if (attempt > 200) throw new Error('the server did not start');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const person = io(url, { auth: { rooms: {} }, transports: ['websocket'] });
  await new Promise((resolve) => person.once('connect', () => resolve(undefined)));
  const room = (await person.emitWithAck('room:create', { name: 'bench' })) as { ok: true; data: { id: number } };
  const roomId = room.data.id;
  const post = async (target: string, body: unknown, headers: Record<string, string> = {}): Promise<void> => {
    const response = await fetch(`${url}${target}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
    if (!response.ok) throw new Error(`${target}: ${response.status} ${await response.text()}`);
  };
  const admin = async (name: string, body: unknown): Promise<Record<string, unknown>> => {
    const response = await fetch(`${url}/admin/api/${name}`, { method: 'POST', headers: { authorization: `Bearer ${OPERATOR}` }, body: JSON.stringify(body) });
    return ((await response.json()) as { data: Record<string, unknown> }).data;
  };
  const { token } = (await admin('bot-create', { name: 'benchbot', rooms: [roomId] })) as { token: string };
  const { path: hook } = (await admin('webhook-create', { roomId, name: 'benchhook' })) as { path: string };

  const ways: Record<string, (index: number) => Promise<void>> = {
    'socket message:send': async (index) => {
      const ack = (await person.emitWithAck('message:send', { roomId, text: `socket ${index}`, clientId: `s-${index}-${Math.random()}` })) as { ok: boolean; message?: string };
      if (!ack.ok) throw new Error(`socket send refused: ${ack.message ?? ''}`);
    },
    'bot API send': (index) => post('/api/bot/send', { roomId, text: `bot ${index}` }, { authorization: `Bearer ${token}` }),
    'webhook delivery': (index) => post(hook, { text: `hook ${index}` }),
  };
  const lines: string[] = [`${COUNT} messages each, one server (SQLite, one process), shared machine`, '', '| way | sequential ms/msg | sequential msg/s | 16 in flight msg/s |', '| --- | --- | --- | --- |'];
  for (const [way, send] of Object.entries(ways)) {
    for (let index = 0; index < 20; index++) await send(-index);
    let started = performance.now();
    for (let index = 0; index < COUNT; index++) await send(index);
    const sequentialMs = performance.now() - started;
    started = performance.now();
    let next = 0;
    await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
      while (next < COUNT) await send(COUNT + next++);
    }));
    const concurrentMs = performance.now() - started;
    lines.push(`| ${way} | ${(sequentialMs / COUNT).toFixed(2)} | ${Math.round((COUNT * 1000) / sequentialMs)} | ${Math.round((COUNT * 1000) / concurrentMs)} |`);
  }
  console.log(lines.join('\n'));
  person.close();
} finally {
  server.kill('SIGTERM');
  await new Promise((resolve) => server.once('exit', resolve));
  rmSync(dir, { recursive: true, force: true });
}
