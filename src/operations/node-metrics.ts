import { AggregatorRegistry, collectDefaultMetrics } from 'prom-client';
import { primaryRegistry } from './metrics.js';

/**
 * The node's metrics as the primary serves them: every worker's registry, summed by
 * prom-client's cluster aggregator (a worker that does not answer within its 5 s fails
 * the scrape, which Prometheus records as down), followed by the primary's own: its
 * process (as `parley_primary_*`, so no family appears twice) and the SQLite writer.
 */
export function nodeMetrics(): { collect: () => Promise<string>; contentType: string } {
  const aggregator = new AggregatorRegistry();
  collectDefaultMetrics({ register: primaryRegistry, prefix: 'parley_primary_' });
  return {
    collect: async () => {
      const [workers, own] = await Promise.all([aggregator.clusterMetrics(), primaryRegistry.metrics()]);
      return `${workers.trimEnd()}\n${own}`;
    },
    contentType: aggregator.contentType,
  };
}
