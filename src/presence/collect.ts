import type { NodePresence, PublicUser } from '../shared/events.js';
import type { ParleyServer } from '../types.js';
import { localPresence } from './local-report.js';

/** Users by id, with the chat rooms they follow anywhere in the cluster. */
export type PresenceView = Map<string, { user: PublicUser; rooms: Set<number> }>;

/**
 * Asks every server of the deployment for its users (serverSideEmit with acknowledgements)
 * and merges the answers with this server's own. Never rejects: when a server does not
 * answer in time (killed, or not yet dropped by the adapter's heartbeat), the answers that
 * did arrive are used, so a dead server's users are absent rather than the query failing.
 */
export function collectPresence(io: ParleyServer, clustered: boolean, node: string, roomId: number | null): Promise<PresenceView> {
  const local = localPresence(io, node, roomId);
  // The in-memory adapter (one process) has no serverSideEmit: there is nobody to ask.
  if (!clustered) return Promise.resolve(mergeReports([local]));
  return new Promise((resolve) => {
    io.serverSideEmit('presence:collect', { from: node, roomId }, (_timeout: Error | null, reports: NodePresence[]) => {
      resolve(mergeReports([local, ...reports]));
    });
  });
}

/** One entry per user, whichever servers their tabs are on. */
export function mergeReports(reports: readonly NodePresence[]): PresenceView {
  const view: PresenceView = new Map();
  for (const report of reports) {
    for (const { user, rooms } of report.users) {
      let entry = view.get(user.id);
      if (!entry) view.set(user.id, (entry = { user, rooms: new Set() }));
      for (const room of rooms) entry.rooms.add(room);
    }
  }
  return view;
}
