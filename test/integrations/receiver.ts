// A real HTTP receiver on 127.0.0.1 for outgoing webhooks: it records each POST with its
// headers and checks the signature; it can be stopped (its connections cut) and started
// again on the same port, and told what to answer.
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { verify } from '../../src/outgoing/signing.js';

export interface Received {
  readonly eventId: string;
  readonly timestamp: number;
  readonly signature: string;
  readonly raw: string;
  readonly body: Record<string, unknown>;
  /** The signature checked out against the secret set with `expectSecret`. */
  readonly signedRight: boolean;
}

export class Receiver {
  readonly received: Received[] = [];
  /** What to answer each POST: a status and a body. */
  answer: (body: Record<string, unknown>) => { status: number; body: string } = () => ({ status: 200, body: '' });
  private secret = '';
  private server: http.Server | undefined;

  private constructor(public port: number) {}

  static async start(port = 0): Promise<Receiver> {
    const receiver = new Receiver(port);
    await receiver.listen();
    return receiver;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}/hook`;
  }

  expectSecret(secret: string): void {
    this.secret = secret;
  }

  /** Distinct event ids received so far. */
  eventIds(): Set<string> {
    return new Set(this.received.map((entry) => entry.eventId));
  }

  async listen(): Promise<void> {
    const server = http.createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        const timestamp = Number(request.headers['x-parley-timestamp']);
        const signature = String(request.headers['x-parley-signature'] ?? '');
        const body = JSON.parse(raw) as Record<string, unknown>;
        const eventId = String(request.headers['x-parley-event-id'] ?? '');
        assert.equal(body['event_id'], eventId, 'the header and the body name the same event');
        this.received.push({ eventId, timestamp, signature, raw, body, signedRight: verify(this.secret, timestamp, raw, signature, Math.floor(Date.now() / 1000)) });
        const { status, body: answer } = this.answer(body);
        response.writeHead(status, { 'content-type': 'application/json' }).end(answer);
      });
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => resolve());
    });
    this.port = (server.address() as AddressInfo).port;
    this.server = server;
  }

  /** Stops listening and cuts every open connection: the receiver is dead. */
  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

/** Waits until `condition` holds, polling; fails with `what` after `ms`. */
export async function eventually(condition: () => boolean | Promise<boolean>, what: string, ms = 20_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
