import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ServerOptions } from 'socket.io';
import { admissions, admissionWaitSeconds } from '../operations/metrics.js';
import type { ParleyServer } from '../types.js';
import type { AdmissionPacer } from './admission.js';
import { clientAddress } from './client-address.js';
import type { ConnectionSlots } from './connection-slots.js';
import { originAllowed } from './origins.js';

/** How allowRequest answers: an error message, or null and whether to go on. */
type AllowCallback = (error: string | null | undefined, success: boolean) => void;

/**
 * What engine.io's long-polling and upgrade requests use. A CORS preflight (OPTIONS) is
 * answered before this gate by engine.io's own cors middleware when PARLEY_ALLOWED_ORIGINS
 * is set; without it no other origin may connect, so a preflight is refused here too.
 */
const ENGINE_METHODS: ReadonlySet<string> = new Set(['GET', 'POST']);

/** A slot granted to a handshake that made no session in this time is given back. */
const CLAIM_TIMEOUT_MS = 10_000;

export interface EngineGateOptions {
  readonly allowedOrigins: readonly string[];
  readonly trustedProxies: readonly string[];
  readonly slots: ConnectionSlots;
  /** The price of a new session from this address (src/limits/handshake-price.ts); false refuses it. */
  readonly admit: (address: string) => Promise<boolean>;
  /** The pace new sessions are let in at (src/http/admission.ts), after their price. */
  readonly pacer: AdmissionPacer;
}

export interface EngineGate {
  /** For Socket.IO's `allowRequest` option: engine.io calls it for handshakes only. */
  readonly allowRequest: NonNullable<ServerOptions['allowRequest']>;
  /** Checks every engine.io request and upgrade, and gives slots back as sessions close. */
  attach(io: ParleyServer): void;
}

/**
 * Who may talk to engine.io. The Origin is checked on every request, not only the
 * handshake: engine.io's `allowRequest` is not called for a session's later polls or its
 * WebSocket upgrade, so the check is an engine middleware, which runs for both. The cap
 * on sessions per client address is taken at the handshake (`allowRequest`) and given
 * back when the engine.io socket closes; before it, the handshake pays its price (`admit`)
 * and waits for its turn at the admission pace (`pacer`), which refuses it with 503 and
 * Retry-After when its turn is too far off. The price comes first, so one address's flood
 * is refused by its own limit instead of taking the turns of everyone else.
 */
export function createEngineGate(options: EngineGateOptions): EngineGate {
  // Handshakes granted a slot whose engine.io socket has not appeared yet.
  const unclaimed = new WeakMap<IncomingMessage, string>();
  /** Takes a slot of the per-address session cap for a handshake, and answers it. */
  const acquireSlot = (request: IncomingMessage, address: string, callback: AllowCallback): void => {
    options.slots.acquire(address).then(
      (granted) => {
        if (!granted) {
          callback('too many connections from this address', false);
          return;
        }
        unclaimed.set(request, address);
        // The handshake can still fail after this (a bad WebSocket key, a closed socket).
        setTimeout(() => {
          if (unclaimed.get(request) !== address) return;
          unclaimed.delete(request);
          options.slots.release(address);
        }, CLAIM_TIMEOUT_MS).unref();
        callback(null, true);
      },
      () => callback('connection slots unavailable', false),
    );
  };
  /** Waits for the handshake's turn at the pace, then takes its slot; or refuses it (503). */
  const awaitTurn = (request: IncomingMessage, address: string, callback: AllowCallback): void => {
    void options.pacer.admit().then((admission) => {
      if (!admission.admitted) {
        admissions.inc({ outcome: 'refused' });
        const reason = `server busy admitting connections; retry in ${admission.retryAfterSeconds} s`;
        // On long-polling engine.io still logs and counts it (connection_error) and skips its
        // own 403, the 503 being sent; an upgrade it would destroy before the 503 is flushed.
        if (refuseBusy(request, reason, admission.retryAfterSeconds)) callback(reason, false);
        return;
      }
      admissions.inc({ outcome: admission.waitedMs > 0 ? 'deferred' : 'immediate' });
      if (admission.waitedMs > 0) admissionWaitSeconds.observe(admission.waitedMs / 1000);
      // The client gave up while it waited: its turn is spent, but no slot is taken for it.
      if (request.socket.destroyed) callback('client gone while waiting for its turn', false);
      else acquireSlot(request, address, callback);
    });
  };
  return {
    allowRequest(request, callback) {
      const address = clientAddress(request, options.trustedProxies);
      options.admit(address).then(
        (admitted) => {
          if (!admitted) {
            callback('too many new connections from this address; wait and retry', false);
            return;
          }
          awaitTurn(request, address, callback);
        },
        () => callback('connection limits unavailable', false),
      );
    },
    attach(io) {
      io.engine.use((request: IncomingMessage, response: ServerResponse, next: (error?: Error) => void) => {
        // engine.io answers any other method on a session with a bare 500.
        if (!ENGINE_METHODS.has(request.method ?? '')) {
          response.writeHead(405, { allow: [...ENGINE_METHODS].join(', '), 'content-type': 'text/plain; charset=utf-8' });
          response.end('method not allowed\n');
          return;
        }
        if (originAllowed(request, options.allowedOrigins, options.trustedProxies)) {
          next();
          return;
        }
        // On an upgrade `response` is engine.io's stand-in, whose end() destroys the socket.
        response.writeHead(403, { 'content-type': 'text/plain; charset=utf-8' });
        response.end('origin not allowed\n');
      });
      io.engine.on('connection', (socket: { request: IncomingMessage; once(event: 'close', listener: () => void): void }) => {
        const address = unclaimed.get(socket.request);
        if (address === undefined) return;
        unclaimed.delete(socket.request);
        socket.once('close', () => options.slots.release(address));
      });
    },
  };
}

/**
 * Answers a handshake 503 with Retry-After: on long-polling through engine.io's response
 * (engine.io then sees it sent and adds nothing), on a WebSocket upgrade straight on the
 * socket, which engine.io's stand-in response would only destroy without a word. Returns
 * whether engine.io should still be told (long-polling); an upgrade is closed here.
 */
function refuseBusy(request: IncomingMessage, reason: string, retryAfterSeconds: number): boolean {
  const body = `${reason}\n`;
  const response = (request as IncomingMessage & { res?: ServerResponse }).res;
  if (response) {
    if (!response.headersSent) {
      response.writeHead(503, { 'content-type': 'text/plain; charset=utf-8', 'retry-after': String(retryAfterSeconds), 'content-length': Buffer.byteLength(body) });
      response.end(body);
    }
    return true;
  }
  const socket = request.socket;
  socket.on('error', () => undefined);
  if (!socket.writable) {
    socket.destroy();
    return false;
  }
  socket.end(
    `HTTP/1.1 503 Service Unavailable\r\nRetry-After: ${retryAfterSeconds}\r\nContent-Type: text/plain; charset=utf-8\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
  return false;
}
