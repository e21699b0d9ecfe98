import type { Usage } from './measure.js';
import type { Row, ScenarioReport } from './scenarios/scenario.js';

/** Number formatting and the printed tables (plain text that is also a Markdown table). */

export function ms(value: number): string {
  if (!Number.isFinite(value)) return 'n/a';
  return `${value < 10 ? value.toFixed(2) : value < 100 ? value.toFixed(1) : Math.round(value).toLocaleString('en-US')} ms`;
}

export function triple(values: readonly [number, number, number]): string {
  return values.every((value) => Number.isFinite(value)) ? `${values.map((value) => ms(value).replace(' ms', '')).join(' / ')} ms` : 'n/a';
}

export function count(value: number): string {
  return Number.isFinite(value) ? Math.round(value).toLocaleString('en-US') : 'n/a';
}

export function perSecond(value: number): string {
  return Number.isFinite(value) ? `${count(value)}/s` : 'n/a';
}

export function micros(value: number): string {
  return Number.isFinite(value) ? `${value.toFixed(value < 10 ? 2 : 1)} µs` : 'n/a';
}

export function seconds(value: number): string {
  return Number.isFinite(value) ? `${value.toFixed(2)} s` : 'n/a';
}

export function bytes(value: number): string {
  if (!Number.isFinite(value)) return 'n/a';
  const abs = Math.abs(value);
  if (abs >= 1024 * 1024) return `${(value / (1024 * 1024)).toFixed(1)} MB`;
  if (abs >= 1024) return `${(value / 1024).toFixed(1)} KB`;
  return `${Math.round(value)} B`;
}

export function percent(fraction: number): string {
  return Number.isFinite(fraction) ? `${Math.round(fraction * 100)} %` : 'n/a';
}

/** The machine's load besides the server and the clients, e.g. `3.10 / 0.21 / 0.02 s`. */
export function otherLoad(usage: Usage): string {
  return `${[usage.otherCpuSeconds, usage.interruptSeconds, usage.stealSeconds].map((value) => value.toFixed(2)).join(' / ')} s`;
}

/** Parley's figure over raw ws's, e.g. `1.42x`. */
export function ratio(parley: number, raw: number): string {
  return Number.isFinite(parley) && Number.isFinite(raw) && raw !== 0 ? `${(parley / raw).toFixed(2)}x` : '';
}

function verdict(row: Row): string {
  if (row.met === undefined) return '';
  return row.met ? 'met' : 'MISSED';
}

/** A scenario as a Markdown table, with its notes below. */
export function renderScenario(report: ScenarioReport): string {
  const withBaseline = report.rows.some((row) => row.socketio !== undefined && row.socketio !== '');
  const header = withBaseline
    ? ['Metric', 'Parley', 'Socket.IO', 'raw ws', 'Parley/Socket.IO', 'Parley/raw', 'Target', 'Result']
    : ['Metric', report.columns?.parley ?? 'Parley', report.columns?.raw ?? 'raw ws', report.columns?.ratio ?? 'Parley/raw', 'Target', 'Result'];
  const cells = report.rows.map((row) =>
    withBaseline
      ? [row.metric, row.parley, row.socketio ?? '', row.raw ?? '', row.socketioRatio ?? '', row.ratio ?? '', row.target ?? '', verdict(row)]
      : [row.metric, row.parley, row.raw ?? '', row.ratio ?? '', row.target ?? '', verdict(row)],
  );
  const widths = header.map((title, column) => Math.max(title.length, ...cells.map((line) => (line[column] ?? '').length)));
  const line = (values: readonly string[]): string =>
    `| ${values.map((value, column) => value.padEnd(widths[column] ?? 0)).join(' | ')} |`;
  return [
    `### ${report.name}: ${report.title}`,
    '',
    line(header),
    line(widths.map((width) => '-'.repeat(width))),
    ...cells.map(line),
    '',
    ...report.notes.map((note) => `- ${note}`),
    '',
  ].join('\n');
}

/** One line per target across all scenarios, and the targets one deployment has against another. */
export function renderTargets(reports: readonly ScenarioReport[], compared: readonly ComparedReport[] = []): string {
  const line = (name: string, row: Row): string => `| ${name} | ${row.metric} | ${row.parley} | ${row.target ?? ''} | ${verdict(row)} |`;
  const lines = reports.flatMap((report) => report.rows.filter((row) => row.met !== undefined).map((row) => line(report.name, row)));
  const relative = relativeRows(compared).map(({ name, row }) => line(name, row));
  return ['### Targets', '', '| Scenario | Metric | Measured | Target | Result |', '| --- | --- | --- | --- | --- |', ...lines, ...relative, ''].join('\n');
}

/** A scenario's report on one deployment, among several run on the same load in one run. */
export interface ComparedReport {
  readonly deployment: string;
  readonly report: ScenarioReport;
}

/** A figure one deployment must reach as a share of another's, both measured in the same run. */
interface RelativeTarget {
  readonly scenario: string;
  /** The start of the row's metric. */
  readonly metric: string;
  readonly deployment: string;
  readonly against: string;
  readonly atLeast: number;
}

/** Issue 11: one PostgreSQL node writes at least half as fast as one SQLite node. */
const RELATIVE_TARGETS: readonly RelativeTarget[] = [
  { scenario: 'durable-writes', metric: 'acked msgs/s', deployment: 'postgres', against: 'sqlite', atLeast: 0.5 },
];

const scenarioOf = (report: ScenarioReport): string => report.name.replace(/ \[.*\]$/, '');

/** The relative targets whose two deployments both ran, as rows of the deployment they are asked of. */
export function relativeRows(compared: readonly ComparedReport[]): { name: string; row: Row }[] {
  return RELATIVE_TARGETS.flatMap((target) => {
    const valueOf = (deployment: string): number | undefined =>
      compared
        .find((entry) => entry.deployment === deployment && scenarioOf(entry.report) === target.scenario)
        ?.report.rows.find((row) => row.metric.startsWith(target.metric))?.value;
    const mine = valueOf(target.deployment);
    const theirs = valueOf(target.against);
    if (mine === undefined || theirs === undefined || !(theirs > 0)) return [];
    const share = mine / theirs;
    return [
      {
        name: `${target.scenario} [${target.deployment}]`,
        row: {
          metric: `${target.metric}, ${target.deployment} / ${target.against} (same run)`,
          parley: ratio(mine, theirs),
          value: share,
          target: `>= ${target.atLeast}x`,
          met: share >= target.atLeast,
        },
      },
    ];
  });
}

/** The rows the deployments are compared by (the start of each metric's name). */
const COMPARED_METRICS = ['acked msgs/s', 'ack p50', 'ack p95', 'ack p99', 'lost / duplicated / out-of-order', 'server CPU per delivery'];

/**
 * One table per scenario that ran on several deployments: the same metrics side by side,
 * measured in the same run. Empty when no scenario ran on more than one.
 */
export function renderDeployments(compared: readonly ComparedReport[]): string {
  const byScenario = new Map<string, ComparedReport[]>();
  for (const entry of compared) {
    const base = scenarioOf(entry.report);
    byScenario.set(base, [...(byScenario.get(base) ?? []), entry]);
  }
  const tables = [...byScenario].map(([scenario, entries]) => {
    const header = `| ${scenario} | ${entries.map((entry) => entry.deployment).join(' | ')} |`;
    const rule = `| --- | ${entries.map(() => '---').join(' | ')} |`;
    const rows = COMPARED_METRICS.map((metric) => {
      const cells = entries.map((entry) => entry.report.rows.find((row) => row.metric.startsWith(metric))?.parley ?? '');
      return `| ${metric} | ${cells.join(' | ')} |`;
    });
    return [header, rule, ...rows, ''].join('\n');
  });
  return tables.length === 0 ? '' : ['### Deployments compared (same run)', '', ...tables].join('\n');
}
