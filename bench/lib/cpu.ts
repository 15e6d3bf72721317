// CPU time (user + system) of a group of processes, read from Linux's /proc: what a scenario
// costs the machine, whatever the number of cores a side could use. The figure the platform bills
// and the one that stays comparable on a machine shared with other jobs (wall time does not).
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";

let ticks: number | null = null;
/** Clock ticks per second of /proc's times (getconf CLK_TCK; 100 on every Linux we run on). */
function ticksPerSecond(): number {
  if (ticks === null) {
    try {
      ticks = Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100;
    } catch {
      ticks = 100;
    }
  }
  return ticks;
}

/**
 * User + system CPU of `pid` in ms, plus that of its children already reaped (cutime, cstime):
 * a PostgreSQL backend that exits mid-scenario moves its time into the postmaster's reaped
 * children, so the sum over a process tree stays continuous. 0 when the process is gone.
 */
export function processCpuMs(pid: number): number {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  } catch {
    return 0;
  }
  // Fields after the command name (which may hold spaces), from field 3 (state) on.
  const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  const [utime, stime, cutime, cstime] = [f[11], f[12], f[13], f[14]].map(Number);
  return (((utime ?? 0) + (stime ?? 0) + (cutime ?? 0) + (cstime ?? 0)) * 1000) / ticksPerSecond();
}

/** A group of processes whose CPU counts together (re-listed at each reading: backends come and go). */
export class CpuMeter {
  private readonly pids: () => number[];
  constructor(pids: () => number[]) {
    this.pids = pids;
  }

  now(): number {
    return this.pids().reduce((sum, p) => sum + processCpuMs(p), 0);
  }

  /**
   * Waits until the group has been idle (under 5 % of a core in each `windowMs`) for `quietMs`, at
   * most `maxMs` of work plus that, and returns its CPU at the start of that idle stretch: the work
   * a scenario left behind (outbox flushes, alarms, WAL writes, and with `quietMs` long enough the
   * work it left for later, like the slots' seat checks) counts, the idle tail does not.
   */
  async settled(windowMs = 200, maxMs = 20_000, quietMs = windowMs): Promise<number> {
    const deadline = Date.now() + maxMs + quietMs;
    let last = this.now();
    let idleFrom: number | null = null;
    let idleMs = 0;
    for (;;) {
      await new Promise((r) => setTimeout(r, windowMs));
      const cur = this.now();
      if (cur - last <= windowMs * 0.05) {
        idleFrom ??= last;
        idleMs += windowMs;
        if (idleMs >= quietMs) return idleFrom;
      } else {
        idleFrom = null;
        idleMs = 0;
      }
      if (Date.now() > deadline) return idleFrom ?? last;
      last = cur;
    }
  }
}
