// Per-process CPU and memory from /proc (Linux only). CPU time is the least noisy figure a loaded
// two-core machine gives: it does not depend on how the scheduler shares the cores between the load
// generator, the target and the fake upstream, only on how much work the target did.
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";

function readClockTicksPerSecond(): number {
  try {
    const value = Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim());
    if (Number.isInteger(value) && value > 0) return value;
  } catch {
    // getconf missing: fall through to Linux's almost universal default.
  }
  return 100;
}

/** Kernel clock ticks per second for /proc/<pid>/stat's utime and stime (normally 100). */
export const clockTicksPerSecond = readClockTicksPerSecond();

/**
 * utime + stime of every thread of the process (libuv pool, GC and compiler threads included), in
 * ticks. The comm field may contain spaces and parentheses, so fields are counted after the last ')'.
 */
export function readCpuTicks(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  // After the comm field, fields[0] is field 3 (state); utime is field 14 and stime field 15.
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  if (!Number.isFinite(utime) || !Number.isFinite(stime)) throw new Error(`Unreadable /proc/${pid}/stat`);
  return utime + stime;
}

export function ticksToMicroseconds(ticks: number): number {
  return (ticks * 1_000_000) / clockTicksPerSecond;
}

export interface MemoryReading {
  /** Resident set size now. */
  rssKb: number;
  /** Peak resident set size over the process's life ("high water mark"). */
  peakRssKb: number;
}

export function readMemory(pid: number): MemoryReading {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const field = (name: string): number => {
    const match = new RegExp(`^${name}:\\s+(\\d+) kB`, "m").exec(status);
    return match?.[1] ? Number(match[1]) : 0;
  };
  return { rssKb: field("VmRSS"), peakRssKb: field("VmHWM") };
}

/**
 * Samples VmRSS during a case, so each case reports its own peak (VmHWM only ever grows, so it
 * cannot tell which case pushed memory up).
 */
export function sampleRss(pid: number, intervalMs = 100): { stop(): number } {
  let maxKb = 0;
  const sample = (): void => {
    try {
      maxKb = Math.max(maxKb, readMemory(pid).rssKb);
    } catch {
      // The process went away; the caller notices through its exit.
    }
  };
  sample();
  const timer = setInterval(sample, intervalMs);
  return {
    stop() {
      clearInterval(timer);
      sample();
      return maxKb;
    },
  };
}
