import WebSocket from 'ws';
import { withDeadline, type BenchClient, type BenchClientOptions, type SendOutcome } from './bench-client.js';

/** Same as the Socket.IO client's `ackTimeout`; the raw client does not retry. */
const ACK_TIMEOUT_MS = 10_000;

interface QueuedSend {
  readonly ackId: number;
  readonly frame: string;
  readonly resolve: (outcome: SendOutcome) => void;
}

/**
 * A client of raw-ws-server.ts on the bare `ws` library, with the same discipline as the
 * tutorial's client: one message in flight, the rest queued in order.
 */
export function rawClient(options: BenchClientOptions): BenchClient {
  const socket = new WebSocket(`${options.url.replace(/^http/, 'ws')}/`, { localAddress: options.localAddress, perMessageDeflate: false });
  const queue: QueuedSend[] = [];
  let inFlight: { send: QueuedSend; timer: NodeJS.Timeout } | undefined;
  let nextAckId = 0;
  let disconnects = 0;

  const pump = (): void => {
    if (inFlight || socket.readyState !== WebSocket.OPEN) return;
    const send = queue.shift();
    if (!send) return;
    const timer = setTimeout(() => settle(send.ackId, { ok: false, reason: 'TIMEOUT' }), ACK_TIMEOUT_MS);
    inFlight = { send, timer };
    socket.send(send.frame);
  };
  const settle = (ackId: number, outcome: SendOutcome): void => {
    if (inFlight?.send.ackId !== ackId) return;
    clearTimeout(inFlight.timer);
    const { resolve } = inFlight.send;
    inFlight = undefined;
    resolve(outcome);
    pump();
  };

  socket.on('message', (data: WebSocket.RawData) => {
    const frame = data.toString();
    const body = JSON.parse(frame.slice(1)) as [unknown, unknown];
    if (frame.startsWith('m')) options.onMessage(String(body[0]), Number(body[1]));
    else if (frame.startsWith('a')) settle(Number(body[0]), { ok: true, offset: Number(body[1]), duplicate: false });
  });
  const opened = new Promise<void>((resolve, reject) => {
    socket.once('open', () => {
      resolve();
      pump();
    });
    socket.once('error', reject);
  });
  socket.on('error', () => undefined);
  socket.on('close', () => {
    disconnects += 1;
    if (inFlight) settle(inFlight.send.ackId, { ok: false, reason: 'DISCONNECTED' });
  });
  const ready = withDeadline(opened, options.connectTimeoutMs, 'ws connect');
  ready.catch(() => undefined);

  return {
    ready,
    get disconnects() {
      return disconnects;
    },
    send(text: string): Promise<SendOutcome> {
      return new Promise((resolve) => {
        const ackId = nextAckId++;
        queue.push({ ackId, frame: `s${JSON.stringify([ackId, text])}`, resolve });
        pump();
      });
    },
    close() {
      socket.close();
    },
  };
}
