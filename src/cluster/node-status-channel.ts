import type { NodeStatus } from '../operations/readiness.js';
import { isParleyMessage, type PrimaryToWorker, type WorkerToPrimary } from './messages.js';

/**
 * A worker's question to its primary: how many workers are ready, and is the node
 * draining? Rejects when the primary does not answer within `timeoutMs`.
 */
export function ipcNodeStatus(timeoutMs = 2000): () => Promise<NodeStatus> {
  let nextId = 0;
  const waiting = new Map<number, (status: NodeStatus) => void>();
  process.on('message', (message: unknown) => {
    if (!isParleyMessage(message) || message.parley !== 'node-status') return;
    const answer = message as Extract<PrimaryToWorker, { parley: 'node-status' }>;
    waiting.get(answer.id)?.(answer);
  });
  return () =>
    new Promise((resolve, reject) => {
      const id = nextId++;
      const timer = setTimeout(() => {
        waiting.delete(id);
        reject(new Error('the primary did not answer'));
      }, timeoutMs);
      waiting.set(id, (status) => {
        clearTimeout(timer);
        waiting.delete(id);
        resolve(status);
      });
      const ask: WorkerToPrimary = { parley: 'node-status?', id };
      process.send?.(ask);
    });
}
