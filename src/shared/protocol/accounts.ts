import { z } from 'zod';
import type { Call } from './call.js';
import { storable } from './fields.js';

/** A person as other people see them. One user is one identity across all of their tabs. */
export interface PublicUser {
  /** Stable id: `a:<n>` for accounts, `g:<random>` for guests, `b:<n>` for bots, `w:<n>` for incoming webhooks. */
  readonly id: string;
  /** The nickname (guests) or username (accounts); unique among online users and accounts. */
  readonly name: string;
  /** `bot`: a bot account or an incoming webhook (src/shared/protocol/integrations.ts); pages mark their messages. */
  readonly kind: 'guest' | 'account' | 'bot';
}

/** What an account request answers. */
export interface Session {
  readonly user: PublicUser;
  /** Send as `auth.token` on later handshakes. */
  readonly token: string;
  /**
   * A one-minute code for the browser's new session cookie: `POST /session` with it as the
   * body sets the cookie (a sign-in never keeps the cookie the browser held before).
   */
  readonly exchange: string;
}

/**
 * Nicknames and usernames as a client may send them: 2 to 32 letters, digits, `_`, `.` or
 * `-` in any script. The server refines it (src/accounts/names.ts: no look-alike of an
 * automatic guest name, a rule that needs Node), so the calls that take a name are made from
 * the name schema the server passes in.
 */
export const nameShape = z
  .string()
  .min(2, 'must be at least 2 characters')
  .max(32, 'must be at most 32 characters')
  .regex(/^[\p{L}\p{N}_.-]+$/u, 'may contain only letters, digits, _ . and -');
type NameSchema = typeof nameShape;

/**
 * `{ username, password }` of account:register and account:login. The password's upper
 * bound keeps one request from making scrypt hash megabytes.
 */
export const credentialsSchema = (name: NameSchema) =>
  z.object({
    username: name,
    password: z
      .string()
      .min(8, 'password must be at least 8 characters')
      .max(256, 'password must be at most 256 characters')
      .refine(storable, 'password must be well-formed text without NUL characters'),
  });

export const guestNicknameSchema = (name: NameSchema) => z.object({ nickname: name });

/** account:logout takes no payload: whatever is sent is ignored. */
export const logoutSchema = z.unknown();

/** The account calls: their payloads and answers. */
export interface AccountCalls {
  /** Create an account and sign this connection in. */
  'account:register': Call<ReturnType<typeof credentialsSchema>, Session>;
  /** Sign in; every tab of this browser session follows. */
  'account:login': Call<ReturnType<typeof credentialsSchema>, Session>;
  /** Sign out: the token stops working; the connection becomes a guest again. */
  'account:logout': Call<typeof logoutSchema, PublicUser>;
  /** Pick a guest nickname. */
  'guest:nickname': Call<ReturnType<typeof guestNicknameSchema>, PublicUser>;
}

/** What the server pushes about accounts: each event's arguments. */
export interface AccountPushes {
  /** This connection's identity changed (signed in, out, renamed). */
  'session:user': [user: PublicUser];
}
