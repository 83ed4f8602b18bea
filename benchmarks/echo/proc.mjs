// CPU time of a process and its descendants from /proc (Linux), in clock ticks.
import { readdirSync, readFileSync } from 'node:fs';

/** utime, stime, cutime, cstime and ppid from /proc/<pid>/stat, or undefined if it is gone. */
function readStat(pid) {
  let text;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'latin1');
  } catch {
    return undefined;
  }
  // Fields after the command name (which may contain spaces) start at field 3 (state).
  const f = text.slice(text.lastIndexOf(')') + 2).split(' ');
  return {
    ppid: Number(f[1]),
    ticks: Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14]),
  };
}

/**
 * utime+stime of `pid` and every live descendant, plus the cutime+cstime of children they have
 * already reaped; undefined without /proc. (The server may run worker processes.)
 */
export function treeCpuTicks(pid) {
  const root = readStat(pid);
  if (root === undefined) return undefined;
  const children = new Map();
  for (const name of readdirSync('/proc')) {
    const c = name.charCodeAt(0);
    if (c < 48 || c > 57 || name === String(pid)) continue;
    const s = readStat(name);
    if (s === undefined) continue;
    if (!children.has(s.ppid)) children.set(s.ppid, []);
    children.get(s.ppid).push(s);
    s.pid = Number(name);
  }
  let ticks = 0;
  const stack = [{ ...root, pid }];
  while (stack.length > 0) {
    const s = stack.pop();
    ticks += s.ticks;
    for (const child of children.get(s.pid) ?? []) stack.push(child);
  }
  return ticks;
}

/** Busy and steal clock ticks of the whole machine (all cores) from /proc/stat, or undefined. */
export function machineTicks() {
  let line;
  try {
    line = readFileSync('/proc/stat', 'latin1').split('\n', 1)[0];
  } catch {
    return undefined;
  }
  // cpu  user nice system idle iowait irq softirq steal ...
  const [user, nice, system, , , irq, softirq, steal] = line
    .trim()
    .split(/\s+/)
    .slice(1)
    .map(Number);
  return { busy: user + nice + system + irq + softirq, steal };
}
