import { randomBytes } from 'node:crypto';
import type { Logger } from '../log.js';
import type { NodePresence, PresenceNotice, PublicUser } from '../shared/events.js';
import type { ParleyServer } from '../types.js';
import { AnnouncedState } from './announced-state.js';
import { RecentDepartures } from './departures.js';
import { PresenceCollector, type PresenceView } from './collect.js';
import { liveRoom, ONLINE_WATCHERS } from '../socket-rooms.js';
import { localPresence, sameUsers } from './local-report.js';
import type { PresenceTimings } from './timings.js';

/**
 * Decides every join/leave and online/offline notice of the deployment, on exactly one
 * server at a time, so that two tabs closing at once on two workers make one `left`.
 *
 * The coordinator is the oldest live server: every server has an id that starts with its
 * start time, and a server leads while it has heard nothing from an older one for
 * `leaderTimeoutMs` (the leader says it leads every `tickMs`). A starting server says
 * `presence:hello`; every older server answers at once, so it leads after `startProbeMs`
 * unless one did (a deployment is never seconds without a coordinator); a coordinator that
 * shuts down says `presence:resign` and the others elect again the same way. Whatever
 * happens while nobody coordinates is not lost: each server reports the users who left
 * since the last look to the next one (RecentDepartures). The leader looks at the
 * whole cluster (PresenceCollector) shortly after any change, when the adapter's count of
 * servers changes, and every `idleSweepMs`, and announces the difference from what was
 * announced before. A server killed with kill -9 stops answering: once the adapter drops
 * it, its users are missing from the next look and announced as gone after the grace; if
 * it was the leader, the next oldest takes over with its copy of the announced state.
 */
export class PresenceCoordinator {
  /** This server's presence id: start time first, so that older servers sort first. */
  readonly node = `${Date.now().toString(36).padStart(10, '0')}.${randomBytes(6).toString('base64url')}`;
  private readonly state = new AnnouncedState();
  private readonly departures = new RecentDepartures();
  /** Before this time the server may not lead: it waits for older servers to answer its hello. */
  private probeEndsAt = Date.now();
  private lastHeardFromOlder = Number.NEGATIVE_INFINITY;
  private lastSweepAt = Number.NEGATIVE_INFINITY;
  private serverCount = 0;
  /** The last tick failed (logged once until one succeeds). */
  private tickFailing = false;
  private wasLeading = false;
  private sweeping = false;
  private sweepAgain = false;
  /** A sweep (leader) or a change hint (follower) waiting to start. */
  private pending: NodeJS.Timeout | undefined;
  private catchingUp: NodeJS.Timeout | undefined;
  private readonly probing: NodeJS.Timeout[] = [];
  private readonly ticker: NodeJS.Timeout;
  private closed = false;
  /**
   * This server's full report as last sent, with its version. The version grows whenever a
   * new report differs from it, whatever the cause (a connection, a room, a rename), so an
   * asker that holds this version holds exactly this report.
   */
  private sent: NodePresence = { node: this.node, users: [], version: 0 };
  private readonly collector: PresenceCollector;

  constructor(
    private readonly io: ParleyServer,
    private readonly clustered: boolean,
    private readonly timings: PresenceTimings,
    private readonly log: Logger,
  ) {
    this.collector = new PresenceCollector(io, clustered, this.node, (roomId, sweep) => {
      // Departures of this very server are in this look as still here: look again to see them gone.
      if (sweep && this.departures.pending) this.sweepAgain = true;
      return roomId === null ? this.fullReport(sweep) : localPresence(io, this.node, roomId);
    });
    io.on('presence:collect', (query, answer) => {
      this.heardFrom(query.from);
      if (query.roomId !== null) {
        answer(localPresence(io, this.node, query.roomId));
        return;
      }
      const hadDepartures = query.sweep === true && this.departures.pending;
      const report = this.fullReport(query.sweep === true);
      // The departed are in this answer as still here: the coordinator looks again soon to see them gone.
      if (hadDepartures) this.changed();
      const { version } = report;
      answer(query.known?.[this.node] === version ? { node: this.node, users: [], version, unchanged: true } : report);
    });
    io.on('presence:leader', (node) => this.heardFrom(node));
    io.on('presence:hello', (node) => {
      // An older server answers at once: the younger one must not lead.
      if (node > this.node && !this.closed) io.serverSideEmit('presence:leader', this.node);
    });
    io.on('presence:resign', (node) => {
      if (node < this.node && !this.closed) this.probe();
    });
    io.on('presence:changed', () => {
      if (this.leading()) this.schedule();
    });
    // Applied even by a server that believes it leads: if two briefly do, each then knows
    // what the other announced and does not announce it again.
    io.on('presence:announced', (notices) => {
      this.state.apply(notices);
      this.tell(notices);
    });
    io.on('presence:state', (answer) => answer({ node: this.node, users: this.state.users() }));
    // Unref'd: presence never keeps a process alive that is otherwise done (a failed start).
    this.ticker = setInterval(() => this.runTick(), timings.tickMs).unref();
    if (clustered) {
      this.probe();
      // Other servers are known once the adapter's first heartbeats are answered.
      this.catchingUp = setTimeout(() => this.catchUpState(), timings.startProbeMs).unref();
    }
  }

  /** Who is online (roomId null) or following a room, on every server, each user once. */
  collect(roomId: number | null): Promise<PresenceView> {
    return this.collector.collect(roomId);
  }

  /** Something changed on this server: the leader looks at the cluster again shortly. */
  changed(): void {
    if (this.closed) return;
    if (this.leading()) this.schedule();
    else if (this.pending === undefined) {
      // Coalesce a burst of local changes (a reconnect joins several rooms) into one hint.
      this.pending = setTimeout(() => {
        this.pending = undefined;
        if (!this.closed) this.io.serverSideEmit('presence:changed');
      }, this.timings.changeDelayMs);
    }
  }

  /** A connection of `user` left chat room `roomId`, or this server (null): the next look still sees it once. */
  departed(user: PublicUser, roomId: number | null): void {
    if (!this.closed) this.departures.record(user, roomId);
  }

  /** Stops the timers; announces nothing more. A coordinator hands over at once. */
  close(): void {
    if (this.closed) return;
    if (this.clustered && this.leading()) this.io.serverSideEmit('presence:resign', this.node);
    this.closed = true;
    for (const timer of this.probing) clearTimeout(timer);
    clearInterval(this.ticker);
    clearTimeout(this.pending);
    clearTimeout(this.catchingUp);
  }

  /**
   * A tick that fails (the servers cannot be counted while Redis is away) is tried again at
   * the next one; it is logged once per outage, never thrown where nobody would catch it.
   */
  private runTick(): void {
    this.tick().then(
      () => {
        this.tickFailing = false;
      },
      (error: unknown) => {
        if (!this.tickFailing) this.log.warn({ err: error, node: this.node }, 'presence: a tick failed; trying again at each tick');
        this.tickFailing = true;
      },
    );
  }

  private async tick(): Promise<void> {
    const leading = this.leading();
    if (leading !== this.wasLeading) {
      // Operators (and the crash tests) see which server decides the notices.
      this.log.info({ node: this.node }, leading ? 'presence: coordinating' : 'presence: an older server coordinates');
      this.wasLeading = leading;
    }
    if (!leading) return;
    if (this.clustered) this.io.serverSideEmit('presence:leader', this.node);
    const servers = await this.io.of('/').adapter.serverCount();
    const serversChanged = servers !== this.serverCount;
    this.serverCount = servers;
    if (serversChanged || Date.now() - this.lastSweepAt >= this.timings.idleSweepMs) this.schedule(0);
  }

  /**
   * Says hello to the older servers and may lead after `startProbeMs` unless one answers.
   * Said twice: the first may go out before the adapter has other servers to reach (the
   * cluster adapter learns of them from heartbeats, Redis from its subscriptions).
   */
  private probe(): void {
    const { startProbeMs } = this.timings;
    this.lastHeardFromOlder = Number.NEGATIVE_INFINITY;
    this.probeEndsAt = Date.now() + startProbeMs;
    for (const timer of this.probing) clearTimeout(timer);
    this.probing.length = 0;
    const hello = (): void => {
      if (!this.closed) this.io.serverSideEmit('presence:hello', this.node);
    };
    this.probing.push(setTimeout(hello, 20).unref(), setTimeout(hello, startProbeMs / 2).unref());
    // Lead (or not) the moment the probe ends, not at the next tick.
    this.probing.push(setTimeout(() => this.runTick(), startProbeMs + 5).unref());
  }

  /**
   * This server's full report, its version bumped if it differs from the one last sent.
   * `sweep`: for the coordinator's look, with the users who left since the last one.
   */
  private fullReport(sweep = false): NodePresence {
    const now = localPresence(this.io, this.node, null);
    const report = sweep ? this.departures.drainInto(now) : now;
    if (!sameUsers(report, this.sent)) this.sent = { ...report, version: (this.sent.version ?? 0) + 1 };
    return this.sent;
  }

  private leading(): boolean {
    if (!this.clustered) return true;
    const now = Date.now();
    // A starting server first waits to hear whether an older one is here.
    return now >= this.probeEndsAt && now - this.lastHeardFromOlder > this.timings.leaderTimeoutMs;
  }

  private heardFrom(node: string): void {
    if (node < this.node) this.lastHeardFromOlder = Date.now();
  }

  private schedule(delayMs = this.timings.changeDelayMs): void {
    if (this.closed || this.pending !== undefined) return;
    const gap = this.lastSweepAt + this.timings.minSweepGapMs - Date.now();
    this.pending = setTimeout(() => {
      this.pending = undefined;
      void this.sweep();
    }, Math.max(delayMs, gap));
  }

  private async sweep(): Promise<void> {
    if (this.sweeping) {
      this.sweepAgain = true;
      return;
    }
    this.sweeping = true;
    this.lastSweepAt = Date.now();
    try {
      const current = await this.collector.collect(null, true);
      // Leadership may have moved while the answers came in.
      if (this.closed || !this.leading()) return;
      const notices = this.state.advance(current, Date.now(), this.timings.leaveGraceMs);
      if (notices.length > 0) this.announce(notices);
    } catch (error: unknown) {
      this.log.error({ err: error }, 'presence sweep failed');
    } finally {
      this.sweeping = false;
      if (this.sweepAgain) {
        this.sweepAgain = false;
        this.schedule();
      } else if (this.state.departuresPending()) {
        // Someone is missing but within the grace: look again when it runs out.
        this.schedule(this.timings.leaveGraceMs);
      }
    }
  }

  /**
   * Sends the notices to this server's sockets and, in one message, to every other server,
   * which sends them to its own (`presence:announced`): one cluster message per sweep,
   * not one per notice (a thousand clients connecting make a thousand notices).
   */
  private announce(notices: PresenceNotice[]): void {
    this.tell(notices);
    if (this.clustered) this.io.serverSideEmit('presence:announced', notices);
    this.log.debug({ notices: notices.length }, 'presence announced');
  }

  /** Emits notices to this server's own sockets. */
  private tell(notices: readonly PresenceNotice[]): void {
    for (const notice of notices) {
      // Room notices go to the room protocol's followers (tutorial pages have no use for
      // them); online/offline to the connections that asked for the online list.
      this.io.local.to(notice.roomId === null ? ONLINE_WATCHERS : liveRoom(notice.roomId)).emit('presence', notice);
    }
  }

  /** A starting server copies the announced state from the oldest server that answers. */
  private catchUpState(): void {
    this.io.serverSideEmit('presence:state', (_timeout: Error | null, reports: NodePresence[]) => {
      const oldest = reports.filter((report) => report.node < this.node).sort((a, b) => (a.node < b.node ? -1 : 1))[0];
      if (!oldest || this.closed) return;
      this.heardFrom(oldest.node);
      this.state.load(oldest.users);
    });
  }
}
