// `--probe`: each stage of the booking path alone inside the app's workerd (bench/inspector/
// worker.js), with the CPU it costs read from /proc around it: the per-stage costs of the scale
// model in bench/README.md. Stages run on objects of their own, after the scenarios.
import type { RunningApp } from "./app.ts";
import type { CpuMeter } from "./cpu.ts";
import { round } from "./stats.ts";

/** Stage → operations: enough for the CPU clock's 10 ms ticks to be a small error. */
export const STAGES = {
  /** A new SlotDO (object creation, schema) seating its first booking. */
  slotTakeNewObject: 300,
  /** A warm SlotDO seating a booking (one insert). */
  slotTakeWarmSeat: 1000,
  /** A warm, full SlotDO refusing (`slot_full`, no storage at all): the hot slot's serial work. */
  slotTakeWarmFull: 2000,
  /** An RPC round trip to a warm StudentDO that reads memory only. */
  studentRoundTrip: 2000,
  /** A parcel of 1 attempt row through a RecorderDO into D1, 50 parcels at a time. */
  recorderParcel1: 1000,
  /** A parcel of 20 attempt rows, likewise: with the above, D1's cost per batch and per row. */
  recorderParcel20: 300,
} as const;

export type StageCosts = Record<keyof typeof STAGES, { n: number; cpuUsPerOp: number; wallMsPerOp: number }>;

export async function probeStages(app: RunningApp, cpu: CpuMeter, runId: string): Promise<StageCosts> {
  const out = {} as StageCosts;
  for (const [stage, n] of Object.entries(STAGES) as [keyof typeof STAGES, number][]) {
    await app.inspect("/probe", { stage, n: 20, runId: `${runId}-warm` });
    await cpu.settled();
    const c0 = cpu.now();
    const r = await app.inspect<{ n: number; meanMs: number }>("/probe", { stage, n, runId });
    const c1 = await cpu.settled();
    out[stage] = { n, cpuUsPerOp: round(((c1 - c0) * 1000) / n, 0), wallMsPerOp: r.meanMs };
  }
  return out;
}
