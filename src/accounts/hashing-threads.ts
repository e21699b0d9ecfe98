import { Worker } from 'node:worker_threads';

/** What a hashing thread is asked: scrypt of one password. */
interface HashRequest {
  readonly password: string;
  readonly salt: Uint8Array;
  readonly length: number;
  readonly options: { readonly N: number; readonly r: number; readonly p: number; readonly maxmem: number };
}

type HashReply = { readonly key: Uint8Array } | { readonly error: string };

/**
 * The thread's whole program, run with `eval` so that it needs no file of its own next to
 * the compiled module (tests import this module from the TypeScript sources).
 *
 * On Linux the nice value belongs to each thread, and `setpriority(PRIO_PROCESS, 0)` (what
 * `os.setPriority(19)` calls) sets the calling thread's alone: the thread then gets the CPU
 * only when chat has none to spare. Elsewhere it would lower the whole process, so it is
 * left at its priority there.
 */
const THREAD_SOURCE = `
const { parentPort } = require('node:worker_threads');
const { scryptSync } = require('node:crypto');
const os = require('node:os');
if (process.platform === 'linux') {
  try { os.setPriority(19); } catch {}
}
parentPort.on('message', (request) => {
  try {
    const key = scryptSync(request.password, request.salt, request.length, request.options);
    parentPort.postMessage({ key });
  } catch (error) {
    parentPort.postMessage({ error: error instanceof Error ? error.message : String(error) });
  }
});
`;

/**
 * Password hashing off the chat's CPU: scrypt runs in threads of their own at the lowest
 * priority (nice 19), one hash at a time each, not in libuv's pool at the process's own
 * priority. A run of login guesses, each costing about 200 ms of CPU and 128 MiB, then slows
 * only the logins, which wait for spare CPU; messages keep their latency. Threads start on
 * first use and never keep the process alive. Callers bound how many hashes run at once
 * (HashGate); this runs each on an idle thread, starting one when none is idle.
 */
export class HashingThreads {
  private readonly idle: Worker[] = [];

  /** scrypt(password, salt) with `options`, computed on a low-priority thread. */
  async derive(password: string, salt: Buffer, length: number, options: HashRequest['options']): Promise<Buffer> {
    const thread = this.idle.pop() ?? this.start();
    let reply: HashReply;
    try {
      reply = await ask(thread, { password, salt, length, options });
    } catch (error) {
      void thread.terminate(); // a thread that failed is not used again
      throw error;
    }
    this.idle.push(thread);
    if ('error' in reply) throw new Error(`scrypt failed: ${reply.error}`);
    return Buffer.from(reply.key.buffer, reply.key.byteOffset, reply.key.byteLength);
  }

  private start(): Worker {
    // Its heap holds one request at a time; scrypt's 128 MiB is native memory, outside it.
    const thread = new Worker(THREAD_SOURCE, { eval: true, resourceLimits: { maxYoungGenerationSizeMb: 4 } });
    thread.unref();
    thread.on('error', () => undefined); // reported to the waiting caller by `ask`
    return thread;
  }
}

function ask(thread: Worker, request: HashRequest): Promise<HashReply> {
  return new Promise((resolve, reject) => {
    const cleanup = (): void => {
      thread.off('message', onMessage);
      thread.off('error', onError);
      thread.off('exit', onExit);
    };
    const onMessage = (reply: HashReply): void => {
      cleanup();
      resolve(reply);
    };
    const onError = (error: Error): void => {
      cleanup();
      reject(error);
    };
    const onExit = (code: number): void => {
      cleanup();
      reject(new Error(`password hashing thread exited with code ${code}`));
    };
    thread.on('message', onMessage);
    thread.on('error', onError);
    thread.on('exit', onExit);
    thread.postMessage(request);
  });
}
