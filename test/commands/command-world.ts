// What the slash-command tests share: a deployment on either store (SQLite: one node of two
// workers; PostgreSQL and Redis: one node), people signed in to accounts, and rooms they share.
import { randomUUID } from 'node:crypto';
import type { Ack } from '../../src/shared/errors.js';
import type { CommandOutcome } from '../../src/shared/events.js';
import { grantAdmin } from '../helpers/admin-command.js';
import { skipUnlessNodesCanRun, startDeployment } from '../helpers/nodes.js';
import { newBrowser, Tab } from '../helpers/room-client.js';
import { startServer } from '../helpers/server.js';
import { PASSWORD } from '../moderation/moderation-client.js';

export const ADMIN_TOKEN = 'slash-commands-test-admin-token-0123456789';

/** A running deployment: its URL, its database URL (for `npm run admin`), and how to stop it. */
export interface Deployed {
  readonly url: string;
  readonly databaseUrl: string;
  readonly stop: () => Promise<void>;
}

/** The two stores the tests run on; PostgreSQL is skipped (loudly) when it or Redis is away. */
export const backends: { name: string; skip: () => Promise<string | false>; start: (env: Record<string, string>) => Promise<Deployed> }[] = [
  {
    name: 'SQLite',
    skip: async () => false,
    start: async (env) => {
      const server = await startServer({ workers: 2, env: { PARLEY_ADMIN_TOKENS: ADMIN_TOKEN, ...env } });
      return { url: server.url, databaseUrl: `sqlite:${server.databaseFile}`, stop: async () => void (await server.stop()) };
    },
  },
  {
    name: 'PostgreSQL',
    skip: skipUnlessNodesCanRun,
    start: async (env) => {
      const deployment = await startDeployment({ nodes: 1, workers: 1, env: { PARLEY_ADMIN_TOKENS: ADMIN_TOKEN, ...env } });
      return { url: deployment.urls()[0] ?? '', databaseUrl: deployment.databaseUrl, stop: () => deployment.close() };
    },
  },
];

export const unique = (prefix: string): string => `${prefix}${randomUUID().slice(0, 8)}`;

/** A tab signed in to a new account named `prefix…`; its name and id. */
export async function person(url: string, prefix: string, tabs: Tab[]): Promise<{ tab: Tab; name: string; id: string }> {
  const tab = await Tab.open(url, { browser: newBrowser() });
  tabs.push(tab);
  const name = unique(prefix);
  const session = await tab.must('account:register', { username: name, password: PASSWORD });
  return { tab, name, id: session.user.id };
}

/** Makes `name` an admin the way the operator does (`npm run admin -- grant`). */
export const makeAdmin = (databaseUrl: string, name: string): Promise<void> => grantAdmin(databaseUrl, name);

/** Runs `text` as a command in `roomId`; with `replyTo`, as typed in that message's thread. */
export function run(tab: Tab, roomId: number, text: string, replyTo?: number): Promise<Ack<CommandOutcome>> {
  return tab.call('command:run', { roomId, text, clientId: randomUUID(), ...(replyTo === undefined ? {} : { replyTo }) });
}
