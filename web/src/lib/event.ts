// The active event, the server's clock, and the phase timeline everyone sees.
import { useEffect, useState } from "preact/hooks";
import type { PublicEvent } from "../../../worker/domain/contract.ts";
import { currentPhase } from "../../../worker/domain/rules.ts";
import { get } from "./api.ts";
import { saved, store } from "./store.ts";

const KEY = "inf.event";
export const event = store<PublicEvent | null>(saved.get<PublicEvent>(KEY));
export const eventError = store<boolean>(false);
/** server time − client time, in ms: countdowns follow the server's clock. */
let skew = 0;

export const serverNow = () => Date.now() + skew;

export async function loadEvent(): Promise<PublicEvent | null> {
  const sent = Date.now();
  try {
    const e = (await get<{ event: PublicEvent }>("/event")).event;
    const received = Date.now();
    skew = Date.parse(e.serverTime) - (sent + received) / 2;
    saved.set(KEY, e);
    event.set(e);
    eventError.set(false);
    return e;
  } catch {
    eventError.set(true);
    return null;
  }
}

const ms = (iso: string | null) => (iso ? Date.parse(iso) : null);

/** The phase at `now` from the configured windows: the Worker's own rule, run in the browser. */
export const phaseAt = (e: PublicEvent, now: number) =>
  currentPhase({ phase1Start: ms(e.phase1Start), phase1End: ms(e.phase1End), phase2Start: ms(e.phase2Start), phase2End: ms(e.phase2End) }, now);

/** The next moment the phase changes, and what it becomes. */
export function nextChange(e: PublicEvent, now: number): { at: number; to: 0 | 1 | 2 } | null {
  const marks = [e.phase1Start, e.phase1End, e.phase2Start, e.phase2End]
    .map(ms)
    .filter((t): t is number => t !== null && t > now)
    .sort((a, b) => a - b);
  const at = marks[0];
  return at === undefined ? null : { at, to: phaseAt(e, at) };
}

/** Re-renders every `everyMs` with the server's current time. */
export function useServerNow(everyMs = 1000): number {
  const [now, setNow] = useState(serverNow);
  useEffect(() => {
    const id = setInterval(() => setNow(serverNow()), everyMs);
    return () => clearInterval(id);
  }, [everyMs]);
  return now;
}
