import type { ConnectionSlots } from '../http/connection-slots.js';
import { isParleyMessage, type PrimaryToWorker, type WorkerToPrimary } from './messages.js';

/** A primary that does not answer in this time (shutting down) counts as a refusal. */
const ANSWER_TIMEOUT_MS = 5000;

/**
 * A worker's connection slots, counted by the primary for every worker of the node (see
 * AddressSlots): handshakes ask over IPC, closed sessions tell it. The asks and releases of
 * one turn of the event loop go in one message each, sent once the turn's promise callbacks
 * have run (process.nextTick): during a burst, many handshakes reach their slot in the same
 * turn (their price was answered by one message), and each message is a serialisation, a
 * write and a read on both sides; a connection burst profile put the slot messages at a
 * third of a worker's IPC writes (docs/benchmarks.md). The primary answers each message's
 * asks in order, as it did one by one, so the cap is counted exactly as before.
 */
export function ipcConnectionSlots(): ConnectionSlots {
  let nextId = 0;
  const waiting = new Map<number, (granted: boolean) => void>();
  // Asked but given up on: a late grant is given back at once.
  const abandoned = new Map<number, string>();
  let asks: { id: number; address: string }[] = [];
  let releases: string[] = [];
  let flushing = false;
  const send = (message: WorkerToPrimary): void => {
    if (!process.send) throw new Error('not a cluster worker');
    process.send(message);
  };
  const flush = (): void => {
    flushing = false;
    // Releases first: each frees a slot granted earlier, which an ask of this turn may then take.
    if (releases.length > 0) send({ parley: 'slot-release', addresses: releases });
    if (asks.length > 0) send({ parley: 'slot-acquire', asks });
    releases = [];
    asks = [];
  };
  const soon = (): void => {
    if (flushing) return;
    flushing = true;
    process.nextTick(flush);
  };
  process.on('message', (message: unknown) => {
    if (!isParleyMessage(message) || message.parley !== 'slot-granted') return;
    for (const answer of (message as Extract<PrimaryToWorker, { parley: 'slot-granted' }>).answers) {
      const late = abandoned.get(answer.id);
      abandoned.delete(answer.id);
      if (late !== undefined && answer.granted) {
        releases.push(late);
        soon();
      }
      waiting.get(answer.id)?.(answer.granted);
    }
  });
  return {
    acquire: (address) =>
      new Promise((resolve) => {
        const id = nextId++;
        const timer = setTimeout(() => {
          abandoned.set(id, address);
          settle(false);
        }, ANSWER_TIMEOUT_MS);
        const settle = (granted: boolean): void => {
          clearTimeout(timer);
          waiting.delete(id);
          resolve(granted);
        };
        waiting.set(id, settle);
        asks.push({ id, address });
        soon();
      }),
    release: (address) => {
      releases.push(address);
      soon();
    },
  };
}
