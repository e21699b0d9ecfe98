import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ServerOptions } from 'socket.io';
import type { ParleyServer } from '../types.js';
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
 * back when the engine.io socket closes; before it, the handshake pays its price (`admit`).
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
  return {
    allowRequest(request, callback) {
      const address = clientAddress(request, options.trustedProxies);
      options.admit(address).then(
        (admitted) => {
          if (!admitted) {
            callback('too many new connections from this address; wait and retry', false);
            return;
          }
          acquireSlot(request, address, callback);
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
