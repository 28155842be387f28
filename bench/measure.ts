/** Shared timing helpers for benchmarks: interleaved rounds, median, and the final BENCH line. */
import { performance } from 'node:perf_hooks';

/** Median wall time in ms of `fn`, over `rounds` runs after `warmup` runs. */
export function medianMs(fn: () => void, rounds = 7, warmup = 2): number {
  for (let i = 0; i < warmup; i++) fn();
  const times: number[] = [];
  for (let i = 0; i < rounds; i++) {
    (globalThis as { gc?: () => void }).gc?.();
    const start = performance.now();
    fn();
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];
}

/**
 * Measures a subject against its floor in interleaved rounds, so machine noise hits both alike,
 * and returns the median of the per-round ratios.
 */
export function ratioAgainstFloor(subject: () => void, floor: () => void, rounds = 7): { ratio: number; subjectMs: number; floorMs: number } {
  subject();
  floor();
  const ratios: number[] = [];
  const subjectTimes: number[] = [];
  const floorTimes: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const f = medianMs(floor, 1, 0);
    const s = medianMs(subject, 1, 0);
    floorTimes.push(f);
    subjectTimes.push(s);
    ratios.push(s / f);
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  return { ratio: median(ratios), subjectMs: median(subjectTimes), floorMs: median(floorTimes) };
}

export function report(name: string, ratio: number, goal: number, detail?: string): void {
  console.log(`BENCH ${JSON.stringify({ name, ratio, goal, detail })}`);
}
