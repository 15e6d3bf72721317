// The yearly configuration as the admin API reads and writes it, and as its form edits it:
// strings per field, datetimes in the browser's local time, only the changed fields sent (PATCH).
import { useEffect, useState } from "preact/hooks";
import type { EventConfig, PublicEvent } from "../../../worker/domain/contract.ts";
import { api, get } from "./api.ts";
import { event as eventStore } from "./event.ts";

/** The form keeps strings; datetime fields are in the browser's local time. */
export type Form = Record<Exclude<keyof EventConfig, "bookingOpen" | "breaks" | "studentEmailDomains">, string> & { breaks: string; studentEmailDomains: string };

export const DATETIMES = ["phase1Start", "phase1End", "phase2Start", "phase2End", "cancelDeadline", "wishesOpen"] as const;
export const NUMBERS = ["slotDurationMinutes", "bufferMinutes", "slotCapacity", "maxBookingsPhase1", "maxBookingsTotal", "maxBookingsPerCompany", "bookingCutoffMinutes", "maxWishes", "liveMaxSockets"] as const;
/** Checkboxes, kept in the form as "true" / "false". */
export const BOOLEANS = ["drawPhase1", "drawPhase2"] as const;

const toLocal = (iso: string | null) => {
  if (!iso) return "";
  const d = new Date(iso);
  return new Date(d.getTime() - d.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
};
const fromLocal = (v: string) => (v ? new Date(v).toISOString() : null);

export function toForm(e: EventConfig): Form {
  const f = {} as Form;
  f.name = e.name;
  f.date = e.date;
  f.timeZone = e.timeZone;
  f.dayStart = e.dayStart;
  f.dayEnd = e.dayEnd;
  f.breaks = e.breaks.map((b) => `${b.start}-${b.end}`).join(", ");
  f.contactEmail = e.contactEmail ?? "";
  f.studentEmailDomains = e.studentEmailDomains.join(", ");
  for (const k of DATETIMES) f[k] = toLocal(e[k]);
  for (const k of NUMBERS) f[k] = String(e[k]);
  for (const k of BOOLEANS) f[k] = String(e[k]);
  return f;
}

/** Only what changed goes to the API (PATCH), converted back to the contract's types. */
export function patchOf(f: Form, before: Form): Partial<EventConfig> | string {
  const out: Partial<EventConfig> = {};
  for (const k of Object.keys(f) as (keyof Form)[]) {
    if (f[k] === before[k]) continue;
    if ((DATETIMES as readonly string[]).includes(k)) (out as Record<string, unknown>)[k] = fromLocal(f[k]);
    else if ((NUMBERS as readonly string[]).includes(k)) (out as Record<string, unknown>)[k] = f[k] === "" ? NaN : Number(f[k]);
    else if ((BOOLEANS as readonly string[]).includes(k)) (out as Record<string, unknown>)[k] = f[k] === "true";
    else if (k === "breaks") {
      const parts = f.breaks.split(/[,;\n]+/).map((s) => s.trim()).filter(Boolean);
      const breaks = parts.map((p) => /^(\d\d:\d\d)\s*-\s*(\d\d:\d\d)$/.exec(p));
      if (breaks.some((b) => !b)) return "breaks";
      out.breaks = breaks.map((b) => ({ start: b![1]!, end: b![2]! }));
    } else if (k === "contactEmail") out.contactEmail = f.contactEmail.trim() || null;
    else if (k === "studentEmailDomains") out.studentEmailDomains = f.studentEmailDomains.split(/[,;\s]+/).map((d) => d.trim()).filter(Boolean);
    else (out as Record<string, unknown>)[k] = f[k];
  }
  return out;
}

export function useEventConfig() {
  const [current, setCurrent] = useState<PublicEvent | null>(null);
  const [base, setBase] = useState<Form | null>(null);
  const [loadError, setLoadError] = useState<unknown>(null);
  const accept = (e: PublicEvent, asBase = true) => {
    setCurrent(e);
    eventStore.set(e);
    if (asBase) setBase(toForm(e));
    return e;
  };
  useEffect(() => {
    get<{ event: PublicEvent }>("/admin/event")
      .then((r) => accept(r.event))
      .catch(setLoadError);
  }, []);
  return {
    current,
    base,
    loadError,
    save: async (patch: Partial<EventConfig>) => accept((await api<{ event: PublicEvent }>("PATCH", "/admin/event", patch)).event),
    /** The kill switch: the form's draft is left as it is. */
    setBookingOpen: async (open: boolean) => accept((await api<{ event: PublicEvent }>("PATCH", "/admin/event", { bookingOpen: open })).event, false),
  };
}
