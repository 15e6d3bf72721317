// Bench-only Worker, run beside the app in the same workerd (bench/lib/app.ts). It reaches the
// app's Durable Objects through their RPC methods (StudentDO.drain/inspect, SlotDO.inspect) for
// the invariant checks, and times each stage of the booking path in isolation. It is never part
// of the production bundle.

/** Runs `fn` over `items` with at most `limit` calls in flight. */
async function pool(items, limit, fn) {
  const out = new Array(items.length);
  let next = 0;
  const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i], i);
    }
  });
  await Promise.all(workers);
  return out;
}

const studentStub = (env, eventId, id) => env.STUDENT.getByName(`student:${eventId}:${id}`);
const slotStub = (env, id) => env.SLOT.getByName(`slot:${id}`);

// workerd's clock advances only across I/O, so single timings are coarse: the mean is the figure.
function quantiles(ms) {
  const s = [...ms].sort((a, b) => a - b);
  const q = (p) => s[Math.min(s.length - 1, Math.floor(p * s.length))] ?? 0;
  const mean = s.reduce((a, b) => a + b, 0) / Math.max(1, s.length);
  return { n: s.length, meanMs: Math.round(mean * 1000) / 1000, p50Ms: q(0.5), p95Ms: q(0.95), maxMs: s[s.length - 1] ?? 0 };
}

async function timed(n, fn) {
  const ms = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    await fn(i);
    ms.push(performance.now() - t);
  }
  return quantiles(ms);
}

const routes = {
  /** Drains (optional) then inspects each student's object. */
  async students(env, { eventId, ids, drain, concurrency = 32 }) {
    return pool(ids, concurrency, async (id) => {
      const stub = studentStub(env, eventId, id);
      const pending = drain ? await stub.drain() : null;
      const state = await stub.inspect();
      return { id, pending, state };
    });
  },
  async slots(env, { ids, concurrency = 32 }) {
    return pool(ids, concurrency, async (id) => ({ id, state: await slotStub(env, id).inspect() }));
  },
  /**
   * Each stage alone, on objects of its own (names no scenario uses): a SlotDO seat, a StudentDO
   * round trip, a D1 read and a D1 batch write shaped like one outbox flush. Timed inside workerd,
   * so the HTTP layer and the load generator are not in these figures.
   */
  async probe(env, { n = 200, runId }) {
    const slot = (i) => slotStub(env, `bench-probe:${runId}:${i}`);
    const slotTake = await timed(n, (i) => slot(i).take(crypto.randomUUID(), crypto.randomUUID(), 2, Date.now()));
    const slotTakeWarm = await timed(n, () => slot(0).take(crypto.randomUUID(), crypto.randomUUID(), 1e9, Date.now()));
    const studentRoundTrip = await timed(n, () => studentStub(env, `bench-probe:${runId}`, "warm").list(false));
    const d1Read = await timed(n, () => env.DB.prepare("SELECT id FROM events WHERE status = 'active'").first());
    await env.DB.exec("CREATE TABLE IF NOT EXISTS bench_probe (id TEXT PRIMARY KEY, v TEXT NOT NULL)");
    const d1BatchWrite = await timed(n, () =>
      env.DB.batch([
        env.DB.prepare("INSERT INTO bench_probe (id, v) VALUES (?, ?) ON CONFLICT(id) DO UPDATE SET v = excluded.v").bind(crypto.randomUUID(), "booking"),
        env.DB.prepare("INSERT INTO bench_probe (id, v) VALUES (?, ?) ON CONFLICT(id) DO NOTHING").bind(crypto.randomUUID(), "attempt"),
        env.DB.prepare("UPDATE bench_probe SET v = (SELECT count(*) FROM bench_probe) WHERE id = ?").bind("none"),
      ]),
    );
    return { slotTakeNewObject: slotTake, slotTakeWarm, studentRoundTrip, d1Read, d1BatchWrite };
  },
};

export default {
  async fetch(request, env) {
    const name = new URL(request.url).pathname.slice(1);
    const route = routes[name];
    if (!route || request.method !== "POST") return new Response("not found", { status: 404 });
    try {
      return Response.json(await route(env, await request.json()));
    } catch (err) {
      return new Response(String(err?.stack ?? err), { status: 500 });
    }
  },
};
