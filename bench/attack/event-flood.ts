import type { Socket } from 'socket.io-client';
import { outcomeOf, tally } from './answers.js';
import { attackerSocket } from './attacker-socket.js';
import type { FloodPlan, FloodReport } from './protocol.js';

/** How long an emitted event waits for its answer before it counts as unanswered. */
const ANSWER_TIMEOUT_MS = 5_000;
const CONNECT_TIMEOUT_MS = 5_000;

/**
 * What the flood emits, in turn: an event the server does not know, a chat message whose
 * payload is invalid, a read of the user's rooms, and typing notices into room 1 (`general`,
 * the busy room), which the flood connection does not follow.
 */
const MIX: readonly (readonly [string, unknown])[] = [
  ['no:such:event', { x: 1 }],
  ['chat message', 12_345],
  ['room:list', {}],
  ['typing', { roomId: 1, typing: true }],
];

/**
 * An event flood: `plan.connections` socket.io connections, each keeping `plan.inFlight`
 * events awaiting their answer and emitting the next as soon as one is answered. A
 * connection the server closes is replaced by a new one, until stopped or `plan.maxEvents`
 * per connection slot are emitted.
 */
export class EventFlood {
  private stopped = false;
  private emitted = 0;
  private unanswered = 0;
  private connectionsOpened = 0;
  private closedByServer = 0;
  private connectFailures = 0;
  private readonly answers: Record<string, number> = {};
  private readonly sockets = new Set<Socket>();
  private slots: Promise<void>[] = [];

  constructor(
    private readonly url: string,
    private readonly plan: FloodPlan,
  ) {}

  start(): void {
    this.slots = Array.from({ length: this.plan.connections }, () => this.runSlot());
  }

  /** Stops emitting, closes every connection and answers what happened. */
  async stop(): Promise<FloodReport> {
    this.stopped = true;
    for (const socket of this.sockets) socket.disconnect();
    await Promise.all(this.slots);
    return {
      emitted: this.emitted,
      answers: { ...this.answers },
      unanswered: this.unanswered,
      connectionsOpened: this.connectionsOpened,
      closedByServer: this.closedByServer,
      connectFailures: this.connectFailures,
    };
  }

  private async runSlot(): Promise<void> {
    let emitted = 0;
    while (!this.stopped && emitted < this.plan.maxEvents) {
      const socket = attackerSocket(this.url, this.plan.address);
      this.sockets.add(socket);
      const connected = await new Promise<boolean>((resolve) => {
        const timer = setTimeout(() => resolve(false), CONNECT_TIMEOUT_MS);
        socket.once('connect', () => {
          clearTimeout(timer);
          resolve(true);
        });
        socket.once('connect_error', () => {
          clearTimeout(timer);
          resolve(false);
        });
      });
      if (!connected) {
        this.connectFailures += 1;
        socket.disconnect();
        this.sockets.delete(socket);
        await new Promise((resolve) => setTimeout(resolve, 200));
        continue;
      }
      this.connectionsOpened += 1;
      await new Promise<void>((resolve) => {
        socket.once('disconnect', (reason) => {
          if (reason !== 'io client disconnect') this.closedByServer += 1;
          resolve();
        });
        const emitOne = (): void => {
          if (this.stopped || !socket.connected || emitted >= this.plan.maxEvents) return;
          const [event, payload] = MIX[emitted % MIX.length] ?? MIX[0] ?? ['no:such:event', {}];
          emitted += 1;
          this.emitted += 1;
          socket.timeout(ANSWER_TIMEOUT_MS).emit(event, payload, (error: Error | null, answer: unknown) => {
            if (error) this.unanswered += 1;
            else tally(this.answers, outcomeOf(answer));
            emitOne();
          });
        };
        for (let index = 0; index < this.plan.inFlight; index++) emitOne();
      });
      this.sockets.delete(socket);
    }
  }
}
