// V8's sampling profiler in workerd's isolates, through its inspector (the app started with
// `inspectorPort`): used by `npm run bench:profile` and `npm run bench:outcomes`.
import { writeFileSync } from "node:fs";

interface ProfileNode {
  id: number;
  children?: number[];
  callFrame: { functionName: string; url: string; lineNumber: number };
}
export interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** A profile frame as printed: function, file, line (1-based). */
const frameKey = (cf: ProfileNode["callFrame"]) => `${cf.functionName || "(anonymous)"} ${cf.url.split("/").pop()}:${cf.lineNumber + 1}`;

export interface Profiler {
  id: string;
  start(): Promise<void>;
  stop(): Promise<Profile>;
  close(): void;
}

/** One profiler per isolate whose inspector id `wanted` accepts (the app's: "core:user:inf-booking"; D1's: "d1:…"). */
export async function openProfilers(inspectorPort: number, wanted: (id: string) => boolean, intervalUs = 200): Promise<Profiler[]> {
  const list = (await (await fetch(`http://127.0.0.1:${inspectorPort}/json`)).json()) as { id: string; webSocketDebuggerUrl: string }[];
  return Promise.all(
    list
      .filter((t) => wanted(t.id))
      .map(async (t) => {
        const ws = new WebSocket(t.webSocketDebuggerUrl);
        await new Promise((r) => ws.addEventListener("open", r));
        let seq = 0;
        const pending = new Map<number, (v: unknown) => void>();
        ws.addEventListener("message", (e) => {
          const m = JSON.parse(String(e.data)) as { id?: number; result?: unknown };
          if (m.id && pending.has(m.id)) pending.get(m.id)!(m.result), pending.delete(m.id);
        });
        const call = <T>(method: string, params = {}) =>
          new Promise<T>((r) => {
            const id = ++seq;
            pending.set(id, r as (v: unknown) => void);
            ws.send(JSON.stringify({ id, method, params }));
          });
        await call("Profiler.enable");
        await call("Profiler.setSamplingInterval", { interval: intervalUs });
        return {
          id: t.id,
          start: async () => void (await call("Profiler.start")),
          stop: async () => (await call<{ profile: Profile }>("Profiler.stop")).profile,
          close: () => ws.close(),
        };
      }),
  );
}

/** Prints self time and inclusive time (the function and what it called, once per stack) per function; saves the profile. */
export function printProfile(title: string, profile: Profile, savePath: string, top = { self: 20, inclusive: 30 }): void {
  writeFileSync(savePath, JSON.stringify(profile));
  const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<string, number>();
  let total = 0;
  profile.samples.forEach((id, i) => {
    const key = frameKey(nodes.get(id)!.callFrame);
    const us = profile.timeDeltas[i] ?? 0;
    self.set(key, (self.get(key) ?? 0) + us);
    total += us;
  });
  console.log(`\n== ${title}: ${(total / 1000).toFixed(0)} ms sampled, of which idle ${((self.get("(idle) :0") ?? 0) / 1000).toFixed(0)} ms`);
  for (const [k, us] of [...self].sort((x, y) => y[1] - x[1]).slice(0, top.self)) console.log(`${(us / 1000).toFixed(0).padStart(7)} ms  ${k}`);
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const incl = new Map<string, number>();
  profile.samples.forEach((id, i) => {
    const seen = new Set<string>();
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
      const key = frameKey(nodes.get(cur)!.callFrame);
      if (seen.has(key)) continue;
      seen.add(key);
      incl.set(key, (incl.get(key) ?? 0) + (profile.timeDeltas[i] ?? 0));
    }
  });
  console.log("  -- inclusive");
  for (const [k, us] of [...incl].filter(([k]) => !/^\((root|idle|program)\)/.test(k)).sort((x, y) => y[1] - x[1]).slice(0, top.inclusive)) console.log(`${(us / 1000).toFixed(0).padStart(7)} ms  ${k}`);
}
