import { DataAttacks } from './data-growth.js';
import { EventFlood } from './event-flood.js';
import { LoginGuessing } from './login-guessing.js';
import type { AttackCommand, AttackPlan, AttackReply, AttackReport } from './protocol.js';
import { SlowConnections } from './slow-connections.js';

/**
 * The attacker process of the under-attack scenario (forked by attackers.ts), so that the
 * attackers' CPU is not spent in the process that measures the busy room. It runs the
 * attacks of its plan from `start` to `stop`; every attack also stops by itself after
 * `plan.maxMs`, and the process exits when the runner goes away or after MAX_LIFETIME_MS.
 */
const MAX_LIFETIME_MS = 10 * 60_000;

let running:
  | {
      slow?: SlowConnections;
      flood?: EventFlood;
      login?: LoginGuessing;
      data?: DataAttacks;
      startedAt: number;
      cpu: NodeJS.CpuUsage;
      deadline: NodeJS.Timeout;
    }
  | undefined;
let finished: Promise<AttackReport> | undefined;

function reply(message: AttackReply): void {
  process.send?.(message);
}

async function start(plan: AttackPlan): Promise<void> {
  const port = Number(new URL(plan.url).port);
  const startedAt = performance.now();
  const cpu = process.cpuUsage();
  const slow = plan.attacks.includes('slow') ? new SlowConnections(port, plan.slow) : undefined;
  const flood = plan.attacks.includes('flood') ? new EventFlood(plan.url, plan.flood) : undefined;
  const login = plan.attacks.includes('login') ? new LoginGuessing(plan.url, plan.login) : undefined;
  const data = plan.attacks.includes('data') ? new DataAttacks(plan.url, plan.data) : undefined;
  const deadline = setTimeout(() => void stop(), plan.maxMs);
  running = { startedAt, cpu, deadline, ...(slow && { slow }), ...(flood && { flood }), ...(login && { login }), ...(data && { data }) };
  flood?.start();
  await Promise.all([slow?.start(), login?.start(), data?.start()]);
}

/** Stops every attack once; a second call answers the same report. */
function stop(): Promise<AttackReport> {
  finished ??= (async () => {
    if (!running) throw new Error('no attack is running');
    const { slow, flood, login, data, startedAt, cpu, deadline } = running;
    clearTimeout(deadline);
    const [loginReport, floodReport, dataReport] = await Promise.all([login?.stop(), flood?.stop(), data?.stop()]);
    const slowReport = slow?.stop();
    const used = process.cpuUsage(cpu);
    return {
      ...(slowReport && { slow: slowReport }),
      ...(floodReport && { flood: floodReport }),
      ...(loginReport && { login: loginReport }),
      ...(dataReport && { data: dataReport }),
      durationMs: performance.now() - startedAt,
      cpuSeconds: (used.user + used.system) / 1e6,
    };
  })();
  return finished;
}

process.on('message', (message: unknown) => {
  const command = message as AttackCommand;
  const answer = command.type === 'start' ? start(command.plan).then((): AttackReply => ({ type: 'started' })) : stop().then((report): AttackReply => ({ type: 'report', report }));
  answer.then(reply, (error: unknown) => reply({ type: 'error', message: error instanceof Error ? error.message : String(error) }));
});
process.on('disconnect', () => process.exit(0));
setTimeout(() => process.exit(0), MAX_LIFETIME_MS).unref();
