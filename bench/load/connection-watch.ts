import { now, sendTimeOf, type RecoveredReply } from './protocol.js';

/** The hooks one client's connection events and broadcasts go to. */
export interface WatchedClient {
  /** `sessionId`: engine.io's, `<worker>.<node>.<random>` on Parley, which names the node. */
  readonly onConnect: (sessionId: string | undefined) => void;
  readonly onDisconnect: () => void;
  readonly onConnectError: (reason: string) => void;
  /** Every broadcast the client receives (after the delivery log has it). */
  readonly onMessage: (text: string) => void;
}

/**
 * When each client of one process lost its connection, came back, and was caught up again
 * (reconnect-storm): caught up is the arrival of the first message sent after the client
 * came back, since delivery in offset order means that everything before it arrived first.
 */
export class ConnectionWatch {
  private readonly connectedAt: number[] = [];
  private readonly droppedAt: number[] = [];
  private readonly caughtUpAt: number[] = [];
  private readonly up: boolean[] = [];
  /** The node each client's latest session is on (from its session id). */
  private readonly nodes: (string | undefined)[] = [];
  private connectErrors = 0;
  private readonly reasons = new Map<string, number>();

  addClient(): WatchedClient {
    const index = this.up.length;
    this.connectedAt.push(Number.NaN);
    this.droppedAt.push(Number.NaN);
    this.caughtUpAt.push(Number.NaN);
    this.up.push(false);
    this.nodes.push(undefined);
    return {
      onConnect: (sessionId) => {
        this.up[index] = true;
        this.connectedAt[index] = now();
        this.nodes[index] = sessionId?.split('.')[1];
      },
      onDisconnect: () => {
        this.up[index] = false;
        this.droppedAt[index] = now();
      },
      onConnectError: (reason) => {
        this.connectErrors += 1;
        this.reasons.set(reason, (this.reasons.get(reason) ?? 0) + 1);
      },
      onMessage: (text) => {
        const connectedAt = this.connectedAt[index] ?? Number.NaN;
        const sentAt = sendTimeOf(text);
        if (sentAt === undefined || sentAt < connectedAt) return;
        if (!((this.caughtUpAt[index] ?? Number.NaN) >= connectedAt)) this.caughtUpAt[index] = now();
      },
    };
  }

  /**
   * The clients that lost `node` at `since`: those whose latest session is still on it (a
   * drop not noticed yet: a busy client process can take seconds), and those whose
   * connection dropped since. Taken once, just after the kill.
   */
  lostNode(node: string, since: number): number[] {
    return this.up.flatMap((_, index) => (this.nodes[index] === node || (this.droppedAt[index] ?? Number.NaN) >= since ? [index] : []));
  }

  /** Where the clients `lost` (lostNode) stand now. */
  status(lost: readonly number[], since: number): Omit<RecoveredReply, 'type'> {
    let notBack = 0;
    let notCaughtUp = 0;
    let lastBackAt = Number.NaN;
    let lastCaughtUpAt = Number.NaN;
    lost.forEach((index) => {
      const up = this.up[index] ?? false;
      const connectedAt = this.connectedAt[index] ?? Number.NaN;
      if (!up || !(connectedAt > since)) {
        notBack += 1;
        return;
      }
      lastBackAt = Number.isNaN(lastBackAt) ? connectedAt : Math.max(lastBackAt, connectedAt);
      const caughtUpAt = this.caughtUpAt[index] ?? Number.NaN;
      if (!(caughtUpAt >= connectedAt)) {
        notCaughtUp += 1;
        return;
      }
      lastCaughtUpAt = Number.isNaN(lastCaughtUpAt) ? caughtUpAt : Math.max(lastCaughtUpAt, caughtUpAt);
    });
    return {
      clients: this.up.length,
      lost: lost.length,
      notBack,
      notCaughtUp,
      lastBackAt,
      lastCaughtUpAt,
      connectErrors: this.connectErrors,
      connectErrorReasons: Object.fromEntries(this.reasons),
    };
  }
}
