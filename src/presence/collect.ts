import type { NodePresence, PublicUser } from '../shared/events.js';
import type { ParleyServer } from '../types.js';
import { localPresence } from './local-report.js';

/** This server's own report for a collect: full (roomId null, `sweep` for the coordinator's look) or one room. */
export type LocalReport = (roomId: number | null, sweep: boolean) => NodePresence;

/** Users by id, with the chat rooms they follow anywhere in the cluster. */
export type PresenceView = Map<string, { user: PublicUser; rooms: Set<number>; was?: PublicUser }>;

/**
 * Asks every server of the deployment for its users (serverSideEmit with acknowledgements)
 * and merges the answers with this server's own. Never rejects: when a server does not
 * answer in time (killed, or not yet dropped by the adapter's heartbeat), the answers that
 * did arrive are used, so a dead server's users are absent rather than the query failing.
 *
 * Full reports (every user, roomId null) are kept by server and version: a server whose
 * users have not changed since answers in a few bytes, so the coordinator's sweep of an
 * idle cluster of thousands of connections moves next to nothing between processes.
 */
export class PresenceCollector {
  /** The latest full report of each server that answered the last full collect. */
  private reports = new Map<string, NodePresence>();

  constructor(
    private readonly io: ParleyServer,
    private readonly clustered: boolean,
    private readonly node: string,
    private readonly localReport: LocalReport = (roomId) => localPresence(io, node, roomId),
  ) {}

  /** `sweep`: the coordinator's look, which also gathers the users that left since the last one. */
  collect(roomId: number | null, sweep = false): Promise<PresenceView> {
    const local = this.localReport(roomId, sweep);
    // The in-memory adapter (one process) has no serverSideEmit: there is nobody to ask.
    if (!this.clustered) return Promise.resolve(mergeReports([local]));
    // The reports this request says it holds: answers of `unchanged` refer to exactly these.
    const held = roomId === null ? new Map(this.reports) : undefined;
    const known = held && Object.fromEntries([...held].map(([node, report]) => [node, report.version ?? -1]));
    return new Promise((resolve) => {
      const query = { from: this.node, roomId, ...(known ? { known } : {}), ...(sweep ? { sweep: true as const } : {}) };
      this.io.serverSideEmit('presence:collect', query, (_timeout: Error | null, answers: NodePresence[]) => {
        const reports = held ? this.remember(held, answers) : answers;
        resolve(mergeReports([local, ...reports]));
      });
    });
  }

  /** The full reports behind `answers`, kept for the next collect; servers that did not answer are forgotten. */
  private remember(held: ReadonlyMap<string, NodePresence>, answers: readonly NodePresence[]): NodePresence[] {
    const reports = answers.flatMap((answer) => {
      const report = answer.unchanged ? held.get(answer.node) : answer;
      return report ? [report] : [];
    });
    this.reports = new Map(reports.map((report) => [report.node, report]));
    return reports;
  }
}

/** One entry per user, whichever servers their tabs are on. */
export function mergeReports(reports: readonly NodePresence[]): PresenceView {
  const view: PresenceView = new Map();
  for (const report of reports) {
    for (const { user, rooms, was } of report.users) {
      let entry = view.get(user.id);
      if (!entry) view.set(user.id, (entry = { user, rooms: new Set() }));
      if (was) entry.was = was;
      for (const room of rooms) entry.rooms.add(room);
    }
  }
  return view;
}
