import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { after, describe, test } from 'node:test';
import { startServer, type RunningServer } from '../helpers/server.js';
import { connectClient } from './clients.js';

/** The server's worker processes: the children of its primary. */
function workerPids(primary: number): number[] {
  const out = execFileSync('ps', ['-o', 'pid=', '--ppid', String(primary)], { encoding: 'utf8' });
  return out
    .split('\n')
    .map((line) => Number(line.trim()))
    .filter((pid) => pid > 0);
}

/** The nice value (field 19 of /proc/<pid>/task/<tid>/stat) of each thread of `pid`. */
function threadNiceValues(pid: number): number[] {
  return fs.readdirSync(`/proc/${pid}/task`).flatMap((tid) => {
    try {
      const stat = fs.readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
      return [Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16])];
    } catch {
      return []; // the thread ended meanwhile
    }
  });
}

/**
 * Password hashing (scrypt, about 200 ms of CPU each) runs on threads at nice 19, so that
 * guessing passwords within the login limits takes spare CPU only, never chat's: the
 * busy room's latency under a login-guessing run is in the under-attack benchmark. Linux
 * only, where a nice value belongs to a thread.
 */
describe('password hashing priority', { skip: process.platform !== 'linux' && 'nice values per thread are Linux only' }, () => {
  let server: RunningServer | undefined;
  after(async () => {
    await server?.stop();
  });

  test('every worker hashes on a thread at nice 19, and the login answers are right', async () => {
    server = await startServer({ workers: 2 });
    const registrar = await connectClient(server.url);
    assert.ok((await registrar.emitWithAck('account:register', { username: 'hopper', password: 'cobol and compilers' })).ok);
    registrar.close();
    const wrong = await connectClient(server.url);
    const refused = await wrong.emitWithAck('account:login', { username: 'hopper', password: 'not the password' });
    assert.equal(refused.ok, false);
    wrong.close();
    const right = await connectClient(server.url);
    assert.ok((await right.emitWithAck('account:login', { username: 'hopper', password: 'cobol and compilers' })).ok);
    right.close();

    const workers = workerPids(server.pid);
    assert.equal(workers.length, 2, 'two workers');
    for (const pid of workers) {
      const nice = threadNiceValues(pid);
      // Each worker made its decoy hash at start (login answers unknown names after the same work).
      assert.ok(nice.includes(19), `worker ${pid} has a thread at nice 19 (thread nice values: ${nice.join(', ')})`);
      assert.equal(nice.filter((value) => value !== 19 && value !== 0).length, 0, 'other threads keep the process priority');
      assert.ok(nice.filter((value) => value === 0).length > 1, 'the main thread and its helpers stay at nice 0');
    }
  });
});
