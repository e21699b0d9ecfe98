/**
 * What runs once at the end of an event-loop turn, in stage order: room feeds write what
 * they delivered (`feeds`), then connections hand everything queued for them this turn to
 * the network (`connections`). So one connection's acknowledgement and the messages of
 * the same turn leave in one socket write (see ./turn-writes.ts).
 */
export type TurnStage = 'feeds' | 'connections';

const queued: Record<TurnStage, (() => void)[]> = { feeds: [], connections: [] };
let immediatePending = false;
/** Where the turn end under way is: undefined between turn ends. */
let phase: 'feeds' | 'after feeds' | 'connections' | undefined;

/**
 * Runs `task` at the end of this turn, in its stage. The `connections` stage runs once
 * every microtask started by the `feeds` stage has run: a feed wakes the appends waiting
 * for it there (src/delivery/append.ts), and their acknowledgements belong to this turn.
 * A task queued for a stage already under way or passed runs at the next turn's end.
 */
export function atTurnEnd(stage: TurnStage, task: () => void): void {
  queued[stage].push(task);
  if (stage === 'connections' && (phase === 'feeds' || phase === 'after feeds')) return;
  if (immediatePending) return;
  immediatePending = true;
  // setImmediate: after the I/O this turn read and the microtasks it started, which is when
  // a group commit's replies and the deliveries they make are all in.
  setImmediate(runFeeds);
}

function runFeeds(): void {
  immediatePending = false;
  phase = 'feeds';
  const failure = runAll('feeds');
  phase = 'after feeds';
  // A tick queued from a microtask runs once the microtask queue is empty, not before.
  queueMicrotask(() => process.nextTick(runConnections));
  if (failure) throw failure.error;
}

function runConnections(): void {
  phase = 'connections';
  const failure = runAll('connections');
  phase = undefined;
  // Queued meanwhile for a stage that had already run.
  if ((queued.feeds.length > 0 || queued.connections.length > 0) && !immediatePending) {
    immediatePending = true;
    setImmediate(runFeeds);
  }
  if (failure) throw failure.error;
}

/** Runs the stage's tasks; one task's failure must not keep the others back, so it is returned. */
function runAll(stage: TurnStage): { error: unknown } | undefined {
  const tasks = queued[stage];
  queued[stage] = [];
  let failure: { error: unknown } | undefined;
  for (const task of tasks) {
    try {
      task();
    } catch (error) {
      failure ??= { error };
    }
  }
  return failure;
}
