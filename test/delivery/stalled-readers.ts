import type { Socket } from 'node:net';
import WebSocket from 'ws';

/** A `chat message` as a raw client parsed it. */
export interface RawDelivery {
  readonly text: string;
  readonly serverOffset: number;
}

/** Parses one engine.io `message` packet carrying a Socket.IO event; undefined for anything else. */
function chatMessageOf(packet: string): RawDelivery | undefined {
  if (!packet.startsWith('42')) return undefined;
  const [event, text, serverOffset] = JSON.parse(packet.slice(2)) as unknown[];
  if (event !== 'chat message' || typeof text !== 'string' || typeof serverOffset !== 'number') return undefined;
  return { text, serverOffset };
}

/**
 * A client that speaks engine.io v4 and Socket.IO by hand over a WebSocket, then stops
 * reading (its TCP socket paused) while it keeps the session alive: a pong every second,
 * unasked, which engine.io takes as a heartbeat (it also postpones the next ping, so no
 * ping ever waits for an answer).
 */
export class StalledWebSocketReader {
  readonly deliveries: RawDelivery[] = [];
  /** The engine.io session id. */
  sid = '';
  /** Resolves when the connection has ended, whoever ended it. */
  readonly closed: Promise<void>;
  private readonly pongs: NodeJS.Timeout;

  private constructor(private readonly ws: WebSocket) {
    this.closed = new Promise((resolve) => ws.once('close', () => resolve()));
    this.pongs = setInterval(() => {
      if (ws.readyState === WebSocket.OPEN) ws.send('3');
    }, 1000);
    void this.closed.then(() => clearInterval(this.pongs));
  }

  /** Opens the session and the main namespace, having seen the general room up to `serverOffset`. */
  static async connect(port: number, serverOffset: number): Promise<StalledWebSocketReader> {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/socket.io/?EIO=4&transport=websocket`);
    const reader = new StalledWebSocketReader(ws);
    await new Promise<void>((resolve, reject) => {
      ws.once('error', reject);
      ws.on('message', (data: Buffer) => {
        const packet = data.toString('utf8');
        if (packet.startsWith('0')) {
          reader.sid = (JSON.parse(packet.slice(1)) as { sid: string }).sid;
          ws.send(`40${JSON.stringify({ serverOffset })}`);
        } else if (packet.startsWith('40')) resolve();
        else if (packet === '2') ws.send('3');
        else {
          const delivery = chatMessageOf(packet);
          if (delivery) reader.deliveries.push(delivery);
        }
      });
    });
    return reader;
  }

  /** Stops reading: what the server sends piles up in the kernel, then in the server. */
  stopReading(): void {
    this.tcp().pause();
  }

  /** Reads again: takes what the kernel holds, then sees the end of the connection if the server closed it. */
  resumeReading(): void {
    this.tcp().resume();
  }

  /** Ends the connection from this side, if still open. */
  close(): void {
    clearInterval(this.pongs);
    this.ws.terminate();
  }

  private tcp(): Socket {
    return (this.ws as unknown as { _socket: Socket })._socket;
  }
}

/**
 * A long-polling client by hand that opens its session, reads once, then stops polling
 * while posting a pong every second, so engine.io keeps the session: what the server
 * sends it waits in engine.io's queue for a poll that does not come.
 */
export class StalledPoller {
  readonly deliveries: RawDelivery[] = [];
  private readonly pongs: NodeJS.Timeout;

  private constructor(
    private readonly base: string,
    /** The engine.io session id. */
    readonly sid: string,
  ) {
    this.pongs = setInterval(() => void this.post('3').catch(() => undefined), 1000);
  }

  /** Opens the session and the main namespace, having seen the general room up to `serverOffset`. */
  static async connect(url: string, serverOffset: number): Promise<StalledPoller> {
    const base = `${url}/socket.io/?EIO=4&transport=polling`;
    const open = await (await fetch(base)).text();
    const { sid } = JSON.parse(open.slice(1)) as { sid: string };
    const poller = new StalledPoller(base, sid);
    await poller.post(`40${JSON.stringify({ serverOffset })}`);
    // The namespace's answer comes with the first poll, with the catch-up's messages.
    while (!(await poller.poll()).packets.some((packet) => packet.startsWith('40'))) {
      // an empty poll (a noop) can come first
    }
    return poller;
  }

  /** Polls once: the HTTP status and the packets it carried (their chat messages recorded). */
  async poll(): Promise<{ status: number; packets: string[]; bytes: number }> {
    const response = await fetch(`${this.base}&sid=${this.sid}`);
    const body = await response.text();
    const packets = response.ok ? body.split('\x1e') : [];
    for (const packet of packets) {
      const delivery = chatMessageOf(packet);
      if (delivery) this.deliveries.push(delivery);
    }
    return { status: response.status, packets, bytes: body.length };
  }

  stopPonging(): void {
    clearInterval(this.pongs);
  }

  private async post(body: string): Promise<void> {
    const response = await fetch(`${this.base}&sid=${this.sid}`, { method: 'POST', body, headers: { 'content-type': 'text/plain;charset=UTF-8' } });
    await response.text();
  }
}
