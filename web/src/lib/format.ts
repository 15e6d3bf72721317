// Dates and times in the event's time zone, in the reader's language.
import { lang } from "./i18n.ts";

const cache = new Map<string, Intl.DateTimeFormat>();
function fmt(tz: string | undefined, o: Intl.DateTimeFormatOptions) {
  const key = `${lang.get()}|${tz}|${JSON.stringify(o)}`;
  let f = cache.get(key);
  if (!f) cache.set(key, (f = new Intl.DateTimeFormat(lang.get() === "fr" ? "fr-BE" : "en-GB", { ...o, ...(tz ? { timeZone: tz } : {}) })));
  return f;
}

export const time = (iso: string | number, tz?: string) => fmt(tz, { hour: "2-digit", minute: "2-digit" }).format(new Date(iso));
export const day = (iso: string | number, tz?: string) => fmt(tz, { weekday: "long", day: "numeric", month: "long", year: "numeric" }).format(new Date(iso));
export const dateTime = (iso: string | number, tz?: string) =>
  fmt(tz, { weekday: "short", day: "numeric", month: "short", hour: "2-digit", minute: "2-digit" }).format(new Date(iso));
/** The event's date ("YYYY-MM-DD") as words, without time-zone drift. */
export const eventDay = (ymd: string) => fmt("UTC", { weekday: "long", day: "numeric", month: "long", year: "numeric" }).format(new Date(`${ymd}T12:00:00Z`));

export function duration(msLeft: number): string {
  const s = Math.max(0, Math.floor(msLeft / 1000));
  const d = Math.floor(s / 86400);
  const h = Math.floor((s % 86400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  const pad = (n: number) => String(n).padStart(2, "0");
  if (d > 0) return `${d} j ${pad(h)} h ${pad(m)} min`.replace(" j ", lang.get() === "fr" ? " j " : " d ");
  return `${pad(h)}:${pad(m)}:${pad(sec)}`;
}

export const bytes = (n: number) => (n < 1024 * 1024 ? `${Math.max(1, Math.round(n / 1024))} kB` : `${(n / 1024 / 1024).toFixed(1)} MB`);
