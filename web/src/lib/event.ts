// The active event, the server's clock, and the phase timeline everyone sees.
import { useEffect, useState } from "preact/hooks";
import type { LivePhase, PublicEvent } from "../../../worker/domain/contract.ts";
import { currentPhase, nextPhaseChange, type PhaseWindows } from "../../../worker/domain/rules.ts";
import { get } from "./api.ts";
import { saved, store } from "./store.ts";

const KEY = "inf.event";
export const event = store<PublicEvent | null>(saved.get<PublicEvent>(KEY));
export const eventError = store<boolean>(false);
/** server time − client time, in ms: countdowns follow the server's clock. */
let skew = 0;

export const serverNow = () => Date.now() + skew;

/**
 * The phase and kill switch as the live channel last told them: the public read of the event is
 * cached for a few seconds, so for a while after a live message it may still say the old values.
 */
let told: { phase: LivePhase; at: number } | null = null;
const TOLD_WINS_MS = 15_000;

export function noteLivePhase(p: LivePhase): void {
  told = { phase: { currentPhase: p.currentPhase, bookingOpen: p.bookingOpen }, at: Date.now() };
  const e = event.get();
  if (!e || (e.currentPhase === p.currentPhase && e.bookingOpen === p.bookingOpen)) return;
  event.set({ ...e, ...told.phase });
  // The configuration behind the change (windows, caps) may have moved too.
  void loadEvent();
}

export async function loadEvent(): Promise<PublicEvent | null> {
  const sent = Date.now();
  try {
    let e = (await get<{ event: PublicEvent }>("/event")).event;
    if (told && Date.now() - told.at < TOLD_WINS_MS) e = { ...e, ...told.phase };
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
const windowsOf = (e: PublicEvent): PhaseWindows => ({ phase1Start: ms(e.phase1Start), phase1End: ms(e.phase1End), phase2Start: ms(e.phase2Start), phase2End: ms(e.phase2End) });

/** The phase at `now` from the configured windows: the Worker's own rule, run in the browser. */
export const phaseAt = (e: PublicEvent, now: number) => currentPhase(windowsOf(e), now);

/** The next moment the phase changes, and what it becomes: the Worker's own rule too. */
export const nextChange = (e: PublicEvent, now: number) => nextPhaseChange(windowsOf(e), now);

/** Re-renders every `everyMs` with the server's current time. */
export function useServerNow(everyMs = 1000): number {
  const [now, setNow] = useState(serverNow);
  useEffect(() => {
    const id = setInterval(() => setNow(serverNow()), everyMs);
    return () => clearInterval(id);
  }, [everyMs]);
  return now;
}
