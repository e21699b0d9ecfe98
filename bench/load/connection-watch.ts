import { now, sendTimeOf, type RecoveredReply } from './protocol.js';

/** The hooks one client's connection events and broadcasts go to. */
export interface WatchedClient {
  readonly onConnect: () => void;
  readonly onDisconnect: () => void;
  readonly onConnectError: () => void;
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
  private connectErrors = 0;

  addClient(): WatchedClient {
    const index = this.up.length;
    this.connectedAt.push(Number.NaN);
    this.droppedAt.push(Number.NaN);
    this.caughtUpAt.push(Number.NaN);
    this.up.push(false);
    return {
      onConnect: () => {
        this.up[index] = true;
        this.connectedAt[index] = now();
      },
      onDisconnect: () => {
        this.up[index] = false;
        this.droppedAt[index] = now();
      },
      onConnectError: () => {
        this.connectErrors += 1;
      },
      onMessage: (text) => {
        const connectedAt = this.connectedAt[index] ?? Number.NaN;
        const sentAt = sendTimeOf(text);
        if (sentAt === undefined || sentAt < connectedAt) return;
        if (!((this.caughtUpAt[index] ?? Number.NaN) >= connectedAt)) this.caughtUpAt[index] = now();
      },
    };
  }

  /** Where the clients that lost their connection at or after `since` stand now. */
  status(since: number): Omit<RecoveredReply, 'type'> {
    let lost = 0;
    let notBack = 0;
    let notCaughtUp = 0;
    let lastBackAt = Number.NaN;
    let lastCaughtUpAt = Number.NaN;
    this.up.forEach((up, index) => {
      const droppedAt = this.droppedAt[index] ?? Number.NaN;
      if (!(droppedAt >= since)) return;
      lost += 1;
      const connectedAt = this.connectedAt[index] ?? Number.NaN;
      if (!up || !(connectedAt > droppedAt)) {
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
    return { clients: this.up.length, lost, notBack, notCaughtUp, lastBackAt, lastCaughtUpAt, connectErrors: this.connectErrors };
  }
}
