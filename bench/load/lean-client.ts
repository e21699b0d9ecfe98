import WebSocket from 'ws';
import { withDeadline, type BenchClient, type BenchClientOptions, type SendOutcome } from './bench-client.js';

/** Same as the tutorial client's `ackTimeout`; the lean client does not retry. */
const ACK_TIMEOUT_MS = 10_000;

interface QueuedSend {
  readonly ackId: number;
  readonly frame: string;
  readonly resolve: (outcome: SendOutcome) => void;
}

/**
 * A Socket.IO client in a few dozen lines: the Engine.IO v4 and Socket.IO v5 protocols
 * spoken directly over one `ws` WebSocket (no polling, no upgrade, no reconnection, no
 * retries), the tutorial's handshake (`auth: { serverOffset }`) and its `chat message`
 * event. For the scenarios with tens of thousands of connections (connect-rate,
 * idle-memory), where socket.io-client's own cost per connection (its Manager, Socket,
 * Engine.IO client, timers and parsers) would make the client process, not the server,
 * the bottleneck on two shared cores.
 * The server sees the same frames as from socket.io-client: `0{…}` open, `40{auth}`
 * connect, `2`/`3` ping and pong, `42[…]` events and `43<id>[…]` acknowledgements.
 * `localAddress` spreads connections over loopback source addresses (127.0.0.x), each
 * with its own ~28,000 ephemeral ports.
 */
export function leanClient(options: BenchClientOptions): BenchClient {
  const url = `${options.url.replace(/^http/, 'ws')}/socket.io/?EIO=4&transport=websocket`;
  const socket = new WebSocket(url, { localAddress: options.localAddress, perMessageDeflate: false });
  const queue: QueuedSend[] = [];
  let inFlight: { send: QueuedSend; timer: NodeJS.Timeout } | undefined;
  let nextAckId = 0;
  let disconnects = 0;
  let connected = false;
  let onConnected: (() => void) | undefined;
  let onRefused: ((error: Error) => void) | undefined;
  let sid = '';
  let counter = 0;

  const pump = (): void => {
    if (inFlight || !connected) return;
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

  socket.on('message', (data: WebSocket.RawData, isBinary: boolean) => {
    if (isBinary) return;
    const frame = data.toString();
    switch (frame[0]) {
      case '0': // Engine.IO open: ask for the main namespace, with the tutorial's auth.
        socket.send(`40${JSON.stringify({ serverOffset: options.startOffset })}`);
        return;
      case '2': // Engine.IO ping: answered, as every real client does, or the server closes us.
        socket.send('3');
        return;
      case '4':
        return onPacket(frame.slice(1));
    }
  });
  const onPacket = (packet: string): void => {
    if (packet.startsWith('0')) {
      const body = JSON.parse(packet.slice(1)) as { sid?: string };
      sid = body.sid ?? '';
      connected = true;
      onConnected?.();
      pump();
    } else if (packet.startsWith('4')) {
      onRefused?.(new Error(`connect_error ${packet.slice(1)}`));
    } else if (packet.startsWith('2')) {
      const [event, text, offset] = JSON.parse(packet.slice(1)) as [unknown, unknown, unknown];
      if (event === 'chat message' && typeof text === 'string' && typeof offset === 'number') options.onMessage(text, offset);
    } else if (packet.startsWith('3')) {
      const bracket = packet.indexOf('[');
      const ackId = Number(packet.slice(1, bracket));
      const [ack] = JSON.parse(packet.slice(bracket)) as [{ ok: boolean; data?: { serverOffset: number; duplicate: boolean }; error?: string }];
      settle(
        ackId,
        ack.ok && ack.data ? { ok: true, offset: ack.data.serverOffset, duplicate: ack.data.duplicate } : { ok: false, reason: ack.error ?? 'ERROR' },
      );
    }
  };
  const opened = new Promise<void>((resolve, reject) => {
    onConnected = resolve;
    onRefused = reject;
    socket.once('error', reject);
  });
  socket.on('error', () => undefined);
  socket.on('close', () => {
    if (connected) disconnects += 1;
    connected = false;
    if (inFlight) settle(inFlight.send.ackId, { ok: false, reason: 'DISCONNECTED' });
  });
  const ready = withDeadline(opened, options.connectTimeoutMs, 'lean socket.io connect');
  ready.catch(() => undefined);

  return {
    ready,
    get disconnects() {
      return disconnects;
    },
    send(text: string): Promise<SendOutcome> {
      return new Promise((resolve) => {
        const ackId = nextAckId++;
        const frame = `42${ackId}${JSON.stringify(['chat message', text, `${sid}-${counter++}`])}`;
        queue.push({ ackId, frame, resolve });
        pump();
      });
    },
    close() {
      socket.close();
    },
  };
}
