import { timingSafeEqual } from 'node:crypto';
import { instrument } from '@socket.io/admin-ui';
import type { Server } from 'socket.io';
import type { ParleyServer } from '../types.js';

/** Where the Admin UI connects: its own namespace, apart from the chat's. */
export const ADMIN_UI_NAMESPACE = '/admin';

export interface AdminUiOptions {
  /** `readonly` (the dashboard only) or `readwrite` (join, leave, disconnect, emit from the UI). */
  readonly mode: 'readonly' | 'readwrite';
  /** PARLEY_ADMIN_TOKENS: the UI's password field must hold one. */
  readonly tokens: readonly string[];
  /** This server in the UI's list: `<node>#<worker>`. */
  readonly serverId: string;
}

const holdsToken = (given: unknown, tokens: readonly string[]): boolean => {
  if (typeof given !== 'string') return false;
  const a = Buffer.from(given);
  // Every token is compared, so the time taken does not tell which one nearly matched.
  return tokens.map((token) => a.length === Buffer.byteLength(token) && timingSafeEqual(a, Buffer.from(token))).includes(true);
};

/**
 * Socket.IO's own dashboard (`@socket.io/admin-ui`) on this server: every server of the
 * deployment is instrumented and reports to the admin namespace, whose connections must
 * present an admin token as the UI's password (any user name); others are refused before
 * the namespace sees them. "production" mode: no per-event or handshake details kept.
 */
export function instrumentAdminUi(io: ParleyServer, options: AdminUiOptions): void {
  io.of(ADMIN_UI_NAMESPACE).use((socket, next) => {
    const auth = socket.handshake.auth as { password?: unknown; token?: unknown };
    if (holdsToken(auth.password ?? auth.token, options.tokens)) next();
    else next(new Error('an admin token is needed (as the password)'));
  });
  // The library is typed against an untyped Server; Parley's typed one is the same object.
  instrument(io as unknown as Server, {
    auth: false,
    readonly: options.mode === 'readonly',
    namespaceName: ADMIN_UI_NAMESPACE,
    mode: 'production',
    serverId: options.serverId,
  });
}
