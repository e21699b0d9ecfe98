import { execFileSync } from 'node:child_process';
import { openFileLimit } from './process-usage.js';

/**
 * Makes sure this process (and so every server and client process it starts afterwards,
 * which inherit its limits) may open `needed` files: one per connection on each side,
 * since the benchmark's clients and servers share the machine. Raises the soft limit, and
 * the hard one if it must, with util-linux's `prlimit` on this process: Node has no
 * setrlimit, and `ulimit -n` in the shell that runs `npm run bench` needs the user to know
 * the figure. Raising the hard limit needs root (or CAP_SYS_RESOURCE); without it the
 * error says which command to run instead. Returns the limit now in force.
 */
export function ensureOpenFiles(needed: number): number {
  const current = openFileLimit();
  if (current === undefined || current >= needed) return current ?? needed;
  try {
    execFileSync('prlimit', ['--pid', String(process.pid), `--nofile=${needed}:${needed}`], { stdio: 'pipe' });
  } catch (error) {
    const reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
    throw new Error(
      `this run needs ${needed} open files per process; ulimit -n is ${current} and raising it failed (${reason}). ` +
        `Run as root with CAP_SYS_RESOURCE (a container may drop it), or raise the hard limit (e.g. LimitNOFILE, /etc/security/limits.conf) and run \`ulimit -n ${needed}\` first.`,
    );
  }
  const raised = openFileLimit();
  if (raised === undefined || raised < needed) throw new Error(`prlimit did not raise the open-file limit to ${needed} (now ${raised ?? 'unknown'})`);
  return raised;
}

/**
 * Loopback source addresses for `connections` client connections to one server address and
 * port: Linux gives each (source address, destination) pair the ephemeral port range
 * (net.ipv4.ip_local_port_range, 28,232 ports by default), so 5,000 connections fit in
 * 127.0.0.1 alone and 100,000 need four addresses. Every 127.0.0.0/8 address is local on
 * Linux, with nothing to configure. Uses 20,000 connections per address at most, so a
 * port range made narrower than the default still fits, and none when one address is enough
 * (the clients then connect as before, from 127.0.0.1).
 */
export function loopbackSources(connections: number): string[] {
  const perAddress = 20_000;
  if (connections <= perAddress) return [];
  const count = Math.ceil(connections / perAddress);
  return Array.from({ length: count }, (_, index) => `127.0.0.${10 + index}`);
}
