// The phase of the event now, a live countdown to the next change (server clock), and the
// student's caps used. Its height is fixed so nothing moves when data arrives.
import { useEffect } from "preact/hooks";
import { wishesWindow } from "../../../worker/domain/draw-schedule.ts";
import { bookings } from "../lib/bookings.ts";
import { draws } from "../lib/use-draw.ts";
import { event, loadEvent, nextChange, phaseAt, serverNow, useServerNow } from "../lib/event.ts";
import { READY_HORIZON_MS, readyDelay } from "../../../worker/domain/ready.ts";
import { sayReady } from "../lib/ready.ts";
import { dateTime, duration } from "../lib/format.ts";
import { useT } from "../lib/i18n.ts";
import { session } from "../lib/session.ts";
import { useStore } from "../lib/store.ts";

export function PhaseBanner() {
  const t = useT();
  const e = useStore(event);
  const mine = useStore(bookings);
  const user = useStore(session);
  const published = useStore(draws);
  const now = useServerNow();
  const phase = e ? phaseAt(e, now) : null;
  const next = e ? nextChange(e, now) : null;
  // When a boundary passes, ask the server (it owns the truth about phases).
  useEffect(() => {
    if (e && phase !== e.currentPhase) void loadEvent();
  }, [phase]);
  // A phase this student may book in opens within the minute: get their booking object ready (lib/ready.ts).
  const mayBook = user?.role === "student" && user.emailVerified !== false && e?.bookingOpen === true;
  const opening = mayBook && next && next.to !== 0 && !(next.to === 1 && user.deprioritized) ? next.at : null;
  const soon = opening !== null && opening - now <= READY_HORIZON_MS;
  useEffect(() => {
    if (!soon || opening === null) return;
    const delay = readyDelay(opening, serverNow(), Math.random());
    if (delay === null) return;
    const timer = setTimeout(() => sayReady(opening), delay);
    return () => clearTimeout(timer);
  }, [soon, opening]);

  if (!e)
    return (
      <section class="banner banner-loading" aria-busy="true">
        <span class="skeleton" style={{ width: "60%", height: "1.2rem" }} />
      </section>
    );
  const closed = !e.bookingOpen;
  const kind = closed ? "closed" : phase === 0 ? "waiting" : `p${phase}`;
  const title = closed ? t("phase.killed") : phase === 0 ? (next ? t("phase.notYet") : t("phase.over")) : t("phase.open", { n: phase! });
  const student = user?.role === "student";
  const p1 = mine?.filter((b) => b.phase === 1).length ?? 0;
  const total = mine?.length ?? 0;
  return (
    <section class={`banner banner-${kind}`} aria-label={t("phase.label")}>
      <div class="banner-main">
        <span class="banner-title">
          <span class="phase-dot" aria-hidden="true" />
          <strong>{title}</strong>
        </span>
        {next && !closed && (
          <span class="countdown">
            {t(next.to === 0 ? "phase.closesIn" : "phase.opensIn", { n: next.to })} <time dateTime={new Date(next.at).toISOString()} title={dateTime(next.at, e.timeZone)}>{duration(next.at - now)}</time>
          </span>
        )}
        {student && user.deprioritized && phase === 1 && !closed && <span class="pill pill-warn">{t("phase.youWait")}</span>}
        {student && published && wishesWindow(e, Object.fromEntries(published.map((d) => [d.phase, d.status])), now).open && (
          <a class="pill" href="/wishes">
            {t("phase.wishesOpen")} →
          </a>
        )}
      </div>
      {student && mine && (
        <div class="caps" aria-live="polite">
          {phase === 1 && !user.deprioritized && <span>{t("caps.phase1", { used: p1, max: e.maxBookingsPhase1 })}</span>}
          <span>{t("caps.total", { used: total, max: e.maxBookingsTotal })}</span>
        </div>
      )}
    </section>
  );
}
