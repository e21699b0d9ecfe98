import type { ConnectionSlots } from '../http/connection-slots.js';
import { isParleyMessage, type PrimaryToWorker, type WorkerToPrimary } from './messages.js';

/** A primary that does not answer in this time (shutting down) counts as a refusal. */
const ANSWER_TIMEOUT_MS = 5000;

/**
 * A worker's connection slots, counted by the primary for every worker of the node (see
 * AddressSlots): each handshake asks over IPC, each closed session tells it.
 */
export function ipcConnectionSlots(): ConnectionSlots {
  let nextId = 0;
  const waiting = new Map<number, (granted: boolean) => void>();
  // Asked but given up on: a late grant is given back at once.
  const abandoned = new Map<number, string>();
  const send = (message: WorkerToPrimary): void => {
    if (!process.send) throw new Error('not a cluster worker');
    process.send(message);
  };
  process.on('message', (message: unknown) => {
    if (!isParleyMessage(message) || message.parley !== 'slot-granted') return;
    const answer = message as Extract<PrimaryToWorker, { parley: 'slot-granted' }>;
    const late = abandoned.get(answer.id);
    abandoned.delete(answer.id);
    if (late !== undefined && answer.granted) send({ parley: 'slot-release', address: late });
    waiting.get(answer.id)?.(answer.granted);
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
        send({ parley: 'slot-acquire', id, address });
      }),
    release: (address) => send({ parley: 'slot-release', address }),
  };
}
