/**
 * CPU time of another process and its descendants (a server and its workers), from Linux's /proc,
 * for `lapps bench --server-pid`: the server's CPU per round trip survives a noisy machine better
 * than round trips/s do.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

let clockTicks: number | undefined;

/** Clock ticks per second (`getconf CLK_TCK`, 100 on every common Linux). */
function ticksPerSecond(): number {
  if (clockTicks === undefined) {
    try {
      clockTicks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      clockTicks = 100;
    }
  }
  return clockTicks;
}

interface Stat {
  pid: number;
  ppid: number;
  /** utime + cutime: in the process itself (reaped children included). */
  userTicks: number;
  /** stime + cstime: in the kernel on its behalf (syscalls, the network stack). */
  systemTicks: number;
}

/** CPU time split into the process's own code and the kernel's work for it. */
export interface CpuSplit {
  userUs: number;
  systemUs: number;
}

function readStat(pid: number): Stat | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'latin1');
  } catch {
    return undefined;
  }
  // Fields after the command name (which may hold spaces and parentheses) start at `state`.
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  return {
    pid,
    ppid: Number(fields[1]),
    userTicks: Number(fields[11]) + Number(fields[13]),
    systemTicks: Number(fields[12]) + Number(fields[14]),
  };
}

/**
 * Microseconds of CPU used so far by `pid` and every live descendant; undefined when the process
 * does not exist or /proc is not there.
 */
export function processTreeCpuUs(pid: number): number | undefined {
  const split = processTreeCpu(pid);
  return split === undefined ? undefined : split.userUs + split.systemUs;
}

/** {@link processTreeCpuUs}, split into user and kernel time. */
export function processTreeCpu(pid: number): CpuSplit | undefined {
  const root = readStat(pid);
  if (root === undefined) return undefined;
  const children = new Map<number, Stat[]>();
  for (const name of readdirSync('/proc')) {
    const child = /^\d+$/.test(name) && Number(name) !== pid ? readStat(Number(name)) : undefined;
    if (child === undefined) continue;
    const siblings = children.get(child.ppid);
    if (siblings === undefined) children.set(child.ppid, [child]);
    else siblings.push(child);
  }
  let user = 0;
  let system = 0;
  const stack = [root];
  for (let s = stack.pop(); s !== undefined; s = stack.pop()) {
    user += s.userTicks;
    system += s.systemTicks;
    stack.push(...(children.get(s.pid) ?? []));
  }
  const usPerTick = 1e6 / ticksPerSecond();
  return { userUs: user * usPerTick, systemUs: system * usPerTick };
}
