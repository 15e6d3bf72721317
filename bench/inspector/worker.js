// Bench-only Worker, run beside the app in the same workerd (bench/lib/app.ts). It reaches the
// app's Durable Objects through their RPC methods (StudentDO.drain/inspect, SlotDO.inspect) for
// the invariant checks, and runs each stage of the booking path in isolation (`--probe`). It is
// never part of the production bundle. Plain JS loaded as is, so the objects' names are spelled
// here as worker/lib/objects.ts spells them.
//
// It also stands in for Cloudflare's Email Service (`MailService`, bound as the app's EMAIL unless
// the bench runs with --mail-simulator): in production `env.EMAIL.send` is a call to a service that
// runs elsewhere; Miniflare's local simulator of it parses each message (postal-mime) and stores it
// in temporary files for its explorer, ~2 ms of CPU per mail inside the workerd process measured.
// The stand-in accepts and counts each message, so the app's own mail work (queue, claims in D1,
// rendering, the binding call) is measured and the simulator's is not.
import { WorkerEntrypoint } from "cloudflare:workers";

let mailsSent = 0;

export class MailService extends WorkerEntrypoint {
  async send(message) {
    if (!message?.to || !message?.subject || typeof message.text !== "string") throw new Error("EMAIL.send: a message needs to, subject and text");
    mailsSent++;
    return { messageId: crypto.randomUUID() };
  }
}

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

const routes = {
  /** Mails the stand-in accepted so far. */
  async mails() {
    return { sent: mailsSent };
  },
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
   * One stage of the booking path alone, `n` times, on objects of its own (names no scenario uses),
   * for the per-stage costs of bench/README.md's scale model. The caller (lib/probe.ts) reads
   * workerd's CPU around each call; the wall time here is coarse (workerd's clock only advances
   * across I/O), so the mean is the figure.
   */
  async probe(env, { stage, n, runId }) {
    const slot = (name) => slotStub(env, `bench-probe:${runId}:${name}`);
    const now = () => Date.now();
    const attempts = (k) =>
      JSON.stringify(
        Array.from({ length: k }, () => [crypto.randomUUID(), `probe-${runId}`, crypto.randomUUID(), crypto.randomUUID(), 0, "slot_full", "This slot is full.", 12, new Date().toISOString(), 10]),
      );
    const waves = async (size, fn) => {
      for (let i = 0; i < n; i += size) await Promise.all(Array.from({ length: Math.min(size, n - i) }, (_, k) => fn(i + k)));
    };
    const t0 = performance.now();
    switch (stage) {
      case "slotTakeNewObject":
        for (let i = 0; i < n; i++) await slot(`new-${i}-${crypto.randomUUID()}`).take(crypto.randomUUID(), crypto.randomUUID(), 2, now());
        break;
      case "slotTakeWarmSeat":
        for (let i = 0; i < n; i++) await slot("warm").take(crypto.randomUUID(), crypto.randomUUID(), 1e9, now());
        break;
      case "slotTakeWarmFull":
        for (let i = 0; i < n; i++) await slot("full").take(crypto.randomUUID(), crypto.randomUUID(), 0, now());
        break;
      case "studentRoundTrip":
        for (let i = 0; i < n; i++) await studentStub(env, `bench-probe-${runId}`, "warm").list(false);
        break;
      case "recorderParcel1":
        await waves(50, () => env.RECORDER.getByName(`recorder:probe-${runId}:0`).append({ bookings: "[]", attempts: attempts(1) }));
        break;
      case "recorderParcel20":
        await waves(50, () => env.RECORDER.getByName(`recorder:probe-${runId}:0`).append({ bookings: "[]", attempts: attempts(20) }));
        break;
      default:
        throw new Error(`unknown stage ${stage}`);
    }
    return { n, meanMs: Math.round(((performance.now() - t0) / n) * 1000) / 1000 };
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
