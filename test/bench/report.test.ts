import assert from 'node:assert/strict';
import { test } from 'node:test';
import { relativeRows, renderTargets, type ComparedReport } from '../../bench/report.js';
import type { ScenarioReport } from '../../bench/scenarios/scenario.js';

/** A durable-writes report of one deployment whose acked msgs/s row shows `perSecond`. */
const durableWrites = (deployment: string, perSecond: number): ComparedReport => {
  const report: ScenarioReport = {
    name: `durable-writes [${deployment}]`,
    title: '10 clients, closed loop',
    rows: [
      { metric: 'sent / acked (failed)', parley: '1 / 1 (0)' },
      { metric: 'acked msgs/s', parley: `${perSecond}/s`, value: perSecond },
    ],
    notes: [],
  };
  return { deployment, report };
};

test('PostgreSQL durable writes are held to half of SQLite’s from the same run', () => {
  const [kept] = relativeRows([durableWrites('sqlite', 3_047), durableWrites('postgres', 2_957), durableWrites('two-nodes', 1_879)]);
  assert.equal(kept?.name, 'durable-writes [postgres]');
  assert.equal(kept?.row.parley, '0.97x');
  assert.equal(kept?.row.target, '>= 0.5x');
  assert.equal(kept?.row.met, true);

  const [behind] = relativeRows([durableWrites('sqlite', 3_000), durableWrites('postgres', 1_400)]);
  assert.equal(behind?.row.parley, '0.47x');
  assert.equal(behind?.row.met, false);
});

test('no relative target without both deployments, and the targets list shows the ones that ran', () => {
  assert.deepEqual(relativeRows([durableWrites('postgres', 2_957)]), []);
  assert.deepEqual(relativeRows([durableWrites('sqlite', 0), durableWrites('postgres', 2_957)]), []);

  const compared = [durableWrites('sqlite', 1_000), durableWrites('postgres', 400)];
  const text = renderTargets(
    compared.map((entry) => entry.report),
    compared,
  );
  assert.match(text, /\| durable-writes \[postgres\] \| acked msgs\/s, postgres \/ sqlite \(same run\) \| 0\.40x \| >= 0\.5x \| MISSED \|/);
});
