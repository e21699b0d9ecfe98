import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { DeploymentView, ServerStats } from '../shared/events.js';
import { chatRoomOf } from '../socket-rooms.js';
import type { ParleyServer } from '../types.js';
import { messagesStored } from './metrics.js';

/** How often each server samples its message rate and event-loop delay. */
const SAMPLE_MS = 5000;
/** How long the adapters wait for the other servers' answers (their `requestsTimeout` default). */
export const GATHER_TIMEOUT_MS = 5000;
/** A node seen this recently that does not answer is shown as missing (a whole node down). */
const REMEMBER_NODES_MS = 10 * 60_000;

/** Who this server is in the deployment. */
export interface ServerIdentity {
  readonly node: string;
  readonly worker: number;
  readonly workers: number;
}

/** The deployment at a glance: every server that answered, and those expected that did not. */
export type DeploymentStats = DeploymentView;

/**
 * One server's side of the deployment statistics: answers every other server's
 * `stats:collect` with its own figures, and gathers everybody's (`gather`) with
 * `serverSideEmit` and acknowledgements, over the cluster adapter (workers) and the Redis
 * adapter (nodes) alike.
 */
export class DeploymentStatistics {
  private readonly delay = monitorEventLoopDelay({ resolution: 20 });
  private rate = { messagesPerSecond: 0, eventLoopDelayMs: { mean: 0, p99: 0, max: 0 } };
  private lastCount = 0;
  private lastAt = performance.now();
  private readonly sampler: NodeJS.Timeout;
  private readonly seenNodes = new Map<string, { at: number; workers: number }>();

  constructor(
    private readonly io: ParleyServer,
    private readonly identity: ServerIdentity,
  ) {
    this.delay.enable();
    this.sampler = setInterval(() => void this.sample(), SAMPLE_MS);
    this.sampler.unref();
    io.on('stats:collect', (answer) => answer(this.local()));
  }

  /** This server's figures now. */
  local(): ServerStats {
    const memory = process.memoryUsage();
    let rooms = 0;
    for (const room of this.io.of('/').adapter.rooms.keys()) if (chatRoomOf(room) !== undefined) rooms += 1;
    return {
      ...this.identity,
      pid: process.pid,
      clients: this.io.engine.clientsCount,
      sockets: this.io.of('/').sockets.size,
      rooms,
      ...this.rate,
      memory: { rssBytes: memory.rss, heapUsedBytes: memory.heapUsed },
      uptimeSeconds: Math.round(process.uptime()),
    };
  }

  /**
   * Every server's figures, this one's included. The adapter waits for the others' answers
   * up to its request timeout (GATHER_TIMEOUT_MS: Socket.IO's cluster and Redis Streams
   * adapters both use 5 s) and then hands over those that came; servers that did not
   * answer are listed as missing. A guard a moment later resolves with this server alone,
   * so the request never hangs.
   */
  gather(): Promise<DeploymentStats> {
    return new Promise((resolve) => {
      let settled = false;
      const settle = (answers: readonly ServerStats[]): void => {
        if (settled) return;
        settled = true;
        clearTimeout(guard);
        const servers = [this.local(), ...answers].sort((a, b) => a.node.localeCompare(b.node) || a.worker - b.worker);
        resolve(this.summarize(servers, GATHER_TIMEOUT_MS));
      };
      const guard = setTimeout(() => settle([]), GATHER_TIMEOUT_MS + 1000);
      this.io.serverSideEmit('stats:collect', (_late: Error | null, answers: ServerStats[]) => settle(answers ?? []));
    });
  }

  close(): void {
    clearInterval(this.sampler);
    this.delay.disable();
  }

  private summarize(servers: ServerStats[], timeoutMs: number): DeploymentStats {
    const now = Date.now();
    for (const server of servers) this.seenNodes.set(server.node, { at: now, workers: server.workers });
    const missing: { node: string; worker: number | null }[] = [];
    for (const [node, seen] of this.seenNodes) {
      const answered = servers.filter((server) => server.node === node);
      if (answered.length === 0) {
        if (now - seen.at < REMEMBER_NODES_MS) missing.push({ node, worker: null });
        else this.seenNodes.delete(node);
        continue;
      }
      for (let worker = 0; worker < seen.workers; worker++) {
        if (!answered.some((server) => server.worker === worker)) missing.push({ node, worker });
      }
    }
    const sum = (pick: (server: ServerStats) => number): number => servers.reduce((total, server) => total + pick(server), 0);
    return {
      servers,
      missing,
      totals: { clients: sum((s) => s.clients), sockets: sum((s) => s.sockets), messagesPerSecond: Math.round(sum((s) => s.messagesPerSecond) * 10) / 10 },
      timeoutMs,
    };
  }

  private async sample(): Promise<void> {
    const now = performance.now();
    const count = (await messagesStored.get()).values[0]?.value ?? 0;
    const seconds = (now - this.lastAt) / 1000;
    const ms = (nanoseconds: number): number => Math.round(nanoseconds / 1e4) / 100;
    this.rate = {
      messagesPerSecond: seconds > 0 ? Math.round(((count - this.lastCount) / seconds) * 10) / 10 : 0,
      eventLoopDelayMs: { mean: ms(this.delay.mean || 0), p99: ms(this.delay.percentile(99) || 0), max: ms(this.delay.max || 0) },
    };
    this.lastCount = count;
    this.lastAt = now;
    this.delay.reset();
  }
}
