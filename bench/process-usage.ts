import fs from 'node:fs';

/**
 * Readers of /proc (Linux only): CPU time and resident memory of a process tree, the
 * process that listens on a port, and the machine's busy time. Everything here reads;
 * nothing signals or changes a process.
 */

/** Linux reports CPU times in USER_HZ ticks, fixed at 100 per second on every architecture. */
const TICKS_PER_SECOND = 100;

interface ProcStat {
  readonly ppid: number;
  /** utime + stime, in seconds. */
  readonly cpuSeconds: number;
}

function readStat(pid: number): ProcStat | undefined {
  let text: string;
  try {
    text = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined; // the process is gone
  }
  // The command name (field 2) may contain spaces and parentheses: split after the last ')'.
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  const ppid = Number(fields[1]);
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  return { ppid, cpuSeconds: (utime + stime) / TICKS_PER_SECOND };
}

/** Resident set size of one process in bytes, or 0 if it is gone. */
export function rssBytes(pid: number): number {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const match = /^VmRSS:\s+(\d+) kB/m.exec(status);
    return match?.[1] === undefined ? 0 : Number(match[1]) * 1024;
  } catch {
    return 0;
  }
}

/** `rootPid` and all its descendants alive now. */
export function processTree(rootPid: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = readStat(Number(entry));
    if (!stat) continue;
    const siblings = children.get(stat.ppid) ?? [];
    siblings.push(Number(entry));
    children.set(stat.ppid, siblings);
  }
  const tree: number[] = [];
  const pending = [rootPid];
  for (let pid = pending.pop(); pid !== undefined; pid = pending.pop()) {
    if (!fs.existsSync(`/proc/${pid}`)) continue;
    tree.push(pid);
    pending.push(...(children.get(pid) ?? []));
  }
  return tree;
}

/** CPU seconds and RSS of a set of processes at one instant. */
export interface UsageSnapshot {
  readonly cpuByPid: ReadonlyMap<number, number>;
  readonly rssBytes: number;
  readonly processes: number;
}

export function snapshot(pids: readonly number[]): UsageSnapshot {
  const cpuByPid = new Map<number, number>();
  let rss = 0;
  for (const pid of pids) {
    const stat = readStat(pid);
    if (!stat) continue;
    cpuByPid.set(pid, stat.cpuSeconds);
    rss += rssBytes(pid);
  }
  return { cpuByPid, rssBytes: rss, processes: cpuByPid.size };
}

/** CPU seconds spent between two snapshots; a process that appeared in between counts whole. */
export function cpuSecondsBetween(before: UsageSnapshot, after: UsageSnapshot): number {
  let total = 0;
  for (const [pid, seconds] of after.cpuByPid) total += seconds - (before.cpuByPid.get(pid) ?? 0);
  return total;
}

/** CPU time of the whole machine (all cores) since boot, in seconds, by kind. */
export interface MachineCpu {
  /** user + nice + system: time in processes. */
  readonly processSeconds: number;
  /** irq + softirq: interrupt work, on loopback mostly the network stack. */
  readonly interruptSeconds: number;
  /** Time this virtual machine was ready to run but the host ran something else. */
  readonly stealSeconds: number;
  readonly busySeconds: number;
  readonly totalSeconds: number;
}

export function machineCpu(): MachineCpu {
  const line = fs.readFileSync('/proc/stat', 'utf8').split('\n', 1)[0] ?? '';
  // cpu  user nice system idle iowait irq softirq steal (guest time is already in user)
  const [user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0] = line
    .trim()
    .split(/\s+/)
    .slice(1, 9)
    .map(Number);
  const busy = user + nice + system + irq + softirq + steal;
  return {
    processSeconds: (user + nice + system) / TICKS_PER_SECOND,
    interruptSeconds: (irq + softirq) / TICKS_PER_SECOND,
    stealSeconds: steal / TICKS_PER_SECOND,
    busySeconds: busy / TICKS_PER_SECOND,
    totalSeconds: (busy + idle + iowait) / TICKS_PER_SECOND,
  };
}

/** Fraction (0..1) of all cores' time that was busy between two readings. */
export function machineBusyBetween(before: MachineCpu, after: MachineCpu): number {
  const total = after.totalSeconds - before.totalSeconds;
  return total > 0 ? (after.busySeconds - before.busySeconds) / total : Number.NaN;
}

/**
 * The PID of the process (of this user) that listens on a TCP port of 127.0.0.1 or all
 * interfaces, found through the socket's inode; undefined if it is not visible.
 */
export function listeningPid(port: number): number | undefined {
  const portHex = port.toString(16).toUpperCase().padStart(4, '0');
  const inodes = new Set<string>();
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text = '';
    try {
      text = fs.readFileSync(table, 'utf8');
    } catch {
      continue;
    }
    for (const row of text.split('\n').slice(1)) {
      const columns = row.trim().split(/\s+/);
      const local = columns[1];
      // Column 3 is the state; 0A is LISTEN. Column 9 is the socket inode.
      if (local?.endsWith(`:${portHex}`) && columns[3] === '0A' && columns[9]) inodes.add(columns[9]);
    }
  }
  if (inodes.size === 0) return undefined;
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let fds: string[];
    try {
      fds = fs.readdirSync(`/proc/${entry}/fd`);
    } catch {
      continue;
    }
    for (const fd of fds) {
      let link = '';
      try {
        link = fs.readlinkSync(`/proc/${entry}/fd/${fd}`);
      } catch {
        continue;
      }
      const inode = /^socket:\[(\d+)\]$/.exec(link)?.[1];
      if (inode !== undefined && inodes.has(inode)) return Number(entry);
    }
  }
  return undefined;
}

/** The soft limit on open files of this process (`ulimit -n`), or undefined if unreadable. */
export function openFileLimit(): number | undefined {
  try {
    const limits = fs.readFileSync('/proc/self/limits', 'utf8');
    const match = /^Max open files\s+(\d+|unlimited)/m.exec(limits);
    if (!match?.[1]) return undefined;
    return match[1] === 'unlimited' ? Number.POSITIVE_INFINITY : Number(match[1]);
  } catch {
    return undefined;
  }
}
