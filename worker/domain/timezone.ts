// Wall-clock times in an IANA zone to UTC instants, with Intl only (no tz database shipped).

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
    });
    formatters.set(timeZone, f);
  }
  return f;
}

export function isValidTimeZone(timeZone: string): boolean {
  try {
    formatter(timeZone);
    return true;
  } catch {
    return false;
  }
}

/** The zone's offset from UTC at instant `t`, in milliseconds (east positive). */
export function offsetAt(timeZone: string, t: number): number {
  const parts: Record<string, number> = {};
  for (const p of formatter(timeZone).formatToParts(t)) if (p.type !== "literal") parts[p.type] = Number(p.value);
  const asUtc = Date.UTC(parts.year!, parts.month! - 1, parts.day!, parts.hour!, parts.minute!, parts.second!);
  return asUtc - (t - (((t % 1000) + 1000) % 1000));
}

const DAY = 86_400_000;

/**
 * The UTC instant of wall time `date` `time` in `timeZone`. On a DST gap the wall time does not
 * exist and moves forward by the gap (02:30 becomes 03:30); on an overlap the earlier of the two
 * instants wins. Same choices as Temporal's "compatible" disambiguation.
 */
export function zonedToUtc(date: string, time: string, timeZone: string): number {
  const [y, m, d] = date.split("-").map(Number);
  const [hh, mm] = time.split(":").map(Number);
  const naive = Date.UTC(y!, m! - 1, d!, hh!, mm!);
  const before = offsetAt(timeZone, naive - DAY);
  const after = offsetAt(timeZone, naive + DAY);
  const t1 = naive - before;
  const t2 = naive - after;
  const ok1 = offsetAt(timeZone, t1) === before;
  const ok2 = offsetAt(timeZone, t2) === after;
  if (ok1 && ok2) return Math.min(t1, t2);
  if (ok2) return t2;
  return t1;
}

/** "YYYY-MM-DD" of instant `t` in `timeZone`. */
export function localDate(t: number, timeZone: string): string {
  const shifted = new Date(t + offsetAt(timeZone, t));
  return shifted.toISOString().slice(0, 10);
}
