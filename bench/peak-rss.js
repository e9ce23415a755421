import { readFileSync } from 'node:fs';

/**
 * This process's own peak resident memory, in MB: the kernel's high-water mark of its memory (VmHWM).
 * getrusage's maxRSS would not do: Linux carries the parent's peak at fork across exec, so a child of
 * the benchmark (which holds both sandboxes) would report the benchmark's memory.
 */
export function peakRssMb() {
  try {
    const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'));
    if (match) return Number(match[1]) / 1024;
  } catch {
    // Not Linux: the rusage figure is the best there is.
  }
  return process.resourceUsage().maxRSS / 1024;
}

/** This process's own CPU time so far, in seconds: user + system, every thread (getrusage). */
export function cpuSeconds() {
  const usage = process.resourceUsage();
  return (usage.userCPUTime + usage.systemCPUTime) / 1e6;
}
