import { accountNamedExactly, visibleName } from '../accounts/exact-name.js';
import type { AuditDraft, Role } from '../store/moderation.js';
import type { Store } from '../store/store.js';

/** How `npm run admin` is used; printed on a wrong call. */
export const ADMIN_USAGE = [
  'usage: npm run admin -- grant <username>    make the account named exactly <username> an admin',
  '       npm run admin -- revoke <username>   make it a member again (also a moderator)',
  '       npm run admin -- list                the admins and moderators',
  'PARLEY_DATABASE_URL names the database, as for npm start; the server may be running.',
].join('\n');

/** Who the audit log says acted: the operator, at the server's command line. */
const OPERATOR = { actor: 'operator:cli', actorName: 'operator (npm run admin)' } as const;

/** What a command printed and its exit status: 0 done, 1 refused or failed, 2 wrong call. */
export interface CommandOutcome {
  readonly status: 0 | 1 | 2;
  readonly out: string;
  readonly error: string;
}

const done = (out: string): CommandOutcome => ({ status: 0, out, error: '' });
const refused = (error: string): CommandOutcome => ({ status: 1, out: '', error });

/**
 * `npm run admin -- <command>`: the operator, on the server, gives or takes the admin role.
 * No remote party can: roles are stored on accounts, and the account is the one named
 * exactly as typed (an existing one, never a look-alike: src/accounts/exact-name.ts).
 * Takes effect at once on every running server (roles are read at each action); an open
 * web page shows its Admin panel after a reload.
 */
export async function runOperatorCommand(store: Store, argv: readonly string[], now = Date.now()): Promise<CommandOutcome> {
  const [command, name, ...rest] = argv;
  if (command === 'list' && name === undefined) return list(store);
  if ((command === 'grant' || command === 'revoke') && name !== undefined && rest.length === 0 && !name.startsWith('-')) {
    return setRole(store, name, command === 'grant' ? 'admin' : 'member', now);
  }
  return { status: 2, out: '', error: ADMIN_USAGE };
}

async function setRole(store: Store, name: string, role: Role, now: number): Promise<CommandOutcome> {
  const named = await accountNamedExactly(store, name);
  if (!named.account) {
    const near = named.near;
    return refused(
      near
        ? `no account is named exactly ${visibleName(name)}; account a:${near.id} is named ${visibleName(near.username)}, which differs in letter case or form. ` +
            'If it is the one you mean, name it exactly as shown.'
        : `no account is named ${visibleName(name)}: register it first (an admin is an existing account)`,
    );
  }
  const { account } = named;
  const userId = `a:${account.id}`;
  const before = await store.moderation.roleOf(account.id);
  if (before === role) return done(`${userId} ${visibleName(account.username)} is already ${article(role)} ${role}\n`);
  const audit: AuditDraft = { at: now, ...OPERATOR, action: 'role', target: userId, roomId: null, detail: role };
  await store.moderation.setRole(account.id, role, audit);
  return done(`${userId} ${visibleName(account.username)} is now ${article(role)} ${role} (was ${article(before)} ${before})\n`);
}

async function list(store: Store): Promise<CommandOutcome> {
  const staff = await store.moderation.staff();
  if (staff.length === 0) return done('no admins or moderators yet: npm run admin -- grant <username>\n');
  return done(staff.map((account) => `a:${account.id}\t${account.role}\t${visibleName(account.username)}\n`).join(''));
}

const article = (role: Role): string => (role === 'admin' ? 'an' : 'a');
