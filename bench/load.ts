// The load generator: a separate Node process (forked by bench/run.ts) so that its CPU is not
// the app's, talking HTTP to 127.0.0.1 through one undici pool with a bounded number of
// connections. Latency runs from the moment a request is issued (queueing in the pool included,
// as a student's browser would see it) to the end of its body.
import { performance } from "node:perf_hooks";
import { Pool } from "undici";
import { answerOf, requestOf } from "./lib/http.ts";
import { type Op, type Result, type SteadyPlan, steadyLoop } from "./lib/workload.ts";

export type LoadRequest =
  | { type: "init"; baseUrl: string; tokens: string[]; connections: number; timeoutMs: number; keys?: boolean }
  | { type: "burst"; ops: Op[]; deadlineMs: number }
  | ({ type: "steady" } & SteadyPlan)
  | { type: "exit" };

export type LoadReply = { type: "ready" } | { type: "done"; startedAt: number; results: Result[] } | { type: "error"; error: string };

let pool: Pool | null = null;
let tokens: string[] = [];
let timeoutMs = 30_000;
/** Each booking click carries an Idempotency-Key of its own, as the site sends (lib/http.ts). */
let keys = false;

async function send(op: Op, t0: number, signal: AbortSignal): Promise<Result> {
  if (op.kind === "book" && op.delayMs) await new Promise((r) => setTimeout(r, op.delayMs));
  const startMs = performance.now() - t0;
  const req = requestOf(op, "student" in op ? tokens[op.student] : undefined, keys);
  try {
    const res = await pool!.request({ ...req, signal, headersTimeout: timeoutMs, bodyTimeout: timeoutMs });
    const text = await res.body.text();
    const endMs = performance.now() - t0;
    const answer = answerOf(res.statusCode, op.kind === "book" || op.kind === "cancel" ? text : null);
    return { ...op, startMs, endMs, status: res.statusCode, ...answer };
  } catch (err) {
    const name = err instanceof Error ? (err as Error & { code?: string }).code ?? err.name : "error";
    return { ...op, startMs, endMs: performance.now() - t0, status: 0, code: `client_${name}` };
  }
}

async function burst(ops: Op[], deadlineMs: number): Promise<{ startedAt: number; results: Result[] }> {
  const signal = AbortSignal.timeout(deadlineMs);
  const startedAt = Date.now();
  const t0 = performance.now();
  const results = await Promise.all(ops.map((op) => send(op, t0, signal)));
  return { startedAt, results };
}

async function steady(m: SteadyPlan): Promise<{ startedAt: number; results: Result[] }> {
  const signal = AbortSignal.timeout(m.durationMs + timeoutMs);
  const startedAt = Date.now();
  const t0 = performance.now();
  const results = await steadyLoop(m, tokens.length, () => performance.now() - t0, (op) => send(op, t0, signal));
  return { startedAt, results };
}

function reply(m: LoadReply) {
  process.send?.(m);
}

process.on("message", async (m: LoadRequest) => {
  try {
    switch (m.type) {
      case "init":
        tokens = m.tokens;
        timeoutMs = m.timeoutMs;
        keys = m.keys === true;
        await pool?.close();
        pool = new Pool(m.baseUrl, { connections: m.connections, pipelining: 1, keepAliveTimeout: 60_000 });
        return reply({ type: "ready" });
      case "burst":
        return reply({ type: "done", ...(await burst(m.ops, m.deadlineMs)) });
      case "steady":
        return reply({ type: "done", ...(await steady(m)) });
      case "exit":
        await pool?.close();
        process.exit(0);
    }
  } catch (err) {
    reply({ type: "error", error: err instanceof Error ? (err.stack ?? err.message) : String(err) });
  }
});
process.on("disconnect", () => process.exit(0));
