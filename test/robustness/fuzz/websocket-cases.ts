import WebSocket from 'ws';
import { engineIoPacket, socketIoPacket } from './packets.js';
import type { Random } from './random.js';

/** One WebSocket case: what to send and when. */
export interface WebSocketCase {
  /** `engine`: right after engine.io's open packet; `namespace`: after joining `/` with `40`. */
  readonly stage: 'engine' | 'namespace';
  /** Frames in order: strings go as text frames, buffers as binary (or as text with invalid UTF-8). */
  readonly frames: readonly { readonly data: string | Buffer; readonly binary: boolean }[];
  /** The query string of the upgrade request. */
  readonly query: string;
}

const GOOD_QUERY = 'EIO=4&transport=websocket';

/** Builds one WebSocket case from its own generator. */
export function webSocketCase(random: Random): WebSocketCase {
  const query = random.chance(0.05)
    ? random.pick(['EIO=3&transport=websocket', 'EIO=5&transport=websocket', 'EIO=-1&transport=websocket', 'transport=websocket', 'EIO=4&transport=websocket&sid=0.nope.nope', 'EIO=4&transport=polling', 'EIO=4&transport=nope'])
    : GOOD_QUERY;
  const frames: { data: string | Buffer; binary: boolean }[] = [];
  for (let count = random.int(1, 3); frames.length < count; ) {
    const kind = random.int(0, 9);
    if (kind <= 5) frames.push({ data: engineIoPacket(random), binary: false });
    else if (kind === 6) {
      // An event that announces binary attachments, then attachments that may not match it.
      const attachments = random.int(0, 3);
      frames.push({ data: `45${attachments}-${socketIoPacket(random).replace(/^\d+-?/, '')}`, binary: false });
      for (let i = random.int(0, 3); i > 0; i--) frames.push({ data: random.bytes(random.int(0, 64)), binary: true });
    } else if (kind === 7) frames.push({ data: random.bytes(random.int(0, 256)), binary: true });
    else if (kind === 8) {
      // A text frame that is not UTF-8.
      frames.push({ data: Buffer.concat([Buffer.from('42["chat message","'), Buffer.from([0xc3, 0x28, 0xff, 0xfe, 0xed, 0xa0, 0x80]), Buffer.from('","x"]')]), binary: false });
    } else {
      // Above the server's maxHttpBufferSize (64 KiB by default).
      frames.push({ data: `42["chat message","${'z'.repeat(random.int(66_000, 100_000))}","big"]`, binary: false });
    }
  }
  return { stage: random.chance(0.8) ? 'namespace' : 'engine', frames, query };
}

/** How the server treated a case's connection. */
export type WebSocketOutcome = 'answered' | 'closed' | 'refused' | 'silent';

/**
 * The probe sent after a case's frames: the server has read every frame before it once it
 * answers. In the namespace, an event nobody handles, with an acknowledgement id the fuzzer
 * never uses (Parley answers it UNKNOWN_EVENT); before it, joining the namespace.
 */
export const PROBE = { namespace: { send: '42424242["fuzz:probe"]', answer: '43424242' }, engine: { send: '40', answer: '4' } } as const;

/**
 * Opens a raw WebSocket to Parley's engine.io endpoint, reaches the case's stage, sends its
 * frames and the probe, then waits until the server answers the probe, closes the
 * connection, or `timeoutMs` pass. Resolves with what happened; never rejects (refusals and
 * closes are the expected answers to most cases).
 */
export async function runWebSocketCase(baseUrl: string, fuzz: WebSocketCase, timeoutMs: number): Promise<WebSocketOutcome> {
  const socket = new WebSocket(`${baseUrl.replace(/^http/, 'ws')}/socket.io/?${fuzz.query}`);
  const messages: string[] = [];
  let waiter: (() => void) | undefined;
  let closed = false;
  socket.on('message', (data, isBinary) => {
    if (!isBinary) messages.push(String(data));
    waiter?.();
  });
  socket.on('error', () => undefined);
  socket.once('close', () => {
    closed = true;
    waiter?.();
  });
  /** Waits until a text message after the first `skip` starts with `prefix`; false if the socket closed or time ran out. */
  const receive = (prefix: string, skip: number): Promise<boolean> =>
    new Promise((resolve) => {
      const timer = setTimeout(() => finish(false), timeoutMs);
      const finish = (result: boolean): boolean => {
        clearTimeout(timer);
        waiter = undefined;
        resolve(result);
        return true;
      };
      const check = (): boolean => {
        if (messages.slice(skip).some((message) => message.startsWith(prefix))) return finish(true);
        return closed ? finish(false) : false;
      };
      if (!check()) waiter = () => void check();
    });
  try {
    if (!(await receive('0', 0))) return 'refused';
    if (fuzz.stage === 'namespace') {
      socket.send('40');
      if (!(await receive('4', 1))) return 'refused';
    }
    for (const frame of fuzz.frames) {
      if (socket.readyState !== WebSocket.OPEN) break;
      socket.send(frame.data, { binary: frame.binary });
    }
    const seen = messages.length;
    if (socket.readyState === WebSocket.OPEN) socket.send(PROBE[fuzz.stage].send);
    if (await receive(PROBE[fuzz.stage].answer, seen)) return 'answered';
    return closed ? 'closed' : 'silent';
  } finally {
    socket.terminate();
  }
}
