import net from 'node:net';

/** What a `ProtocolCounter` saw the clients send, message by message. */
export interface FrontendCounts {
  /** Sync: the end of one extended-protocol exchange; the client then waits for the server. */
  sync: number;
  /** Simple Query: one exchange of its own (possibly several statements). */
  query: number;
  /** Execute: one statement run (extended protocol). */
  execute: number;
}

/**
 * A TCP relay in front of a PostgreSQL server that reads what clients send and counts the
 * protocol messages that end a round trip (Sync, simple Query) and that run a statement
 * (Execute). The server's answers pass through untouched. A real count of the wire, not a
 * mock: the client talks to the real server through it.
 */
export class ProtocolCounter {
  readonly counts: FrontendCounts = { sync: 0, query: 0, execute: 0 };
  private readonly sockets = new Set<net.Socket>();
  private readonly server: net.Server;

  private constructor(
    private readonly target: { host: string; port: number },
    readonly port: number,
    server: net.Server,
  ) {
    this.server = server;
  }

  /** Listens on an ephemeral port of 127.0.0.1 and relays to `target`. */
  static async start(target: { host: string; port: number }): Promise<ProtocolCounter> {
    const server = net.createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    if (address === null || typeof address === 'string') throw new Error('no port');
    const counter = new ProtocolCounter(target, address.port, server);
    server.on('connection', (client) => counter.relay(client));
    return counter;
  }

  reset(): void {
    this.counts.sync = 0;
    this.counts.query = 0;
    this.counts.execute = 0;
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private relay(client: net.Socket): void {
    const upstream = net.connect(this.target.port, this.target.host);
    for (const socket of [client, upstream]) {
      this.sockets.add(socket);
      socket.on('error', () => undefined);
      socket.on('close', () => {
        this.sockets.delete(socket);
        client.destroy();
        upstream.destroy();
      });
    }
    upstream.pipe(client);
    let buffered = Buffer.alloc(0);
    // The startup message has no type byte: an int32 length that counts itself, then the rest.
    let started = false;
    client.on('data', (chunk: Buffer) => {
      upstream.write(chunk);
      buffered = Buffer.concat([buffered, chunk]);
      for (;;) {
        if (!started) {
          if (buffered.length < 4) return;
          const length = buffered.readInt32BE(0);
          if (buffered.length < length) return;
          buffered = buffered.subarray(length);
          started = true;
          continue;
        }
        if (buffered.length < 5) return;
        const length = buffered.readInt32BE(1);
        if (buffered.length < 1 + length) return;
        const type = String.fromCharCode(buffered[0] ?? 0);
        if (type === 'S') this.counts.sync += 1;
        if (type === 'Q') this.counts.query += 1;
        if (type === 'E') this.counts.execute += 1;
        buffered = buffered.subarray(1 + length);
      }
    });
  }
}
