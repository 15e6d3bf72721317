// A company: its offers and its slot grid with free seats, live (lib/use-company-page.ts). Booking
// is one click with an optimistic "Booking…" state that settles into a confirmation or a
// plain-language refusal.
import { useEffect, useRef } from "preact/hooks";
import { useLocation, useRoute } from "preact-iso";
import type { SlotAvailability } from "../../../worker/domain/contract.ts";
import { LiveBadge } from "../components/LiveBadge.tsx";
import { PhaseBanner } from "../components/PhaseBanner.tsx";
import { Alert, Empty, Skeleton, Spinner, errorText, usePageTitle } from "../components/ui.tsx";
import { ApiFailure } from "../lib/api.ts";
import { bookings } from "../lib/bookings.ts";
import { companyName } from "../lib/catalogue.ts";
import { event, phaseAt, serverNow, useServerNow } from "../lib/event.ts";
import { dateTime, duration, eventDay, time } from "../lib/format.ts";
import { t, useT } from "../lib/i18n.ts";
import { contractLabel } from "../lib/labels.ts";
import { session } from "../lib/session.ts";
import { useStore } from "../lib/store.ts";
import { type Outcome, bookableNow, freeOf, useCompanyPage } from "../lib/use-company-page.ts";
import { Icon } from "../components/Icon.tsx";

export function CompanyPage() {
  const t = useT();
  const { params } = useRoute();
  const { route, url } = useLocation();
  const id = params.id ?? "";
  const user = useStore(session);
  const e = useStore(event);
  const mine = useStore(bookings) ?? [];
  const { data, loadError, refresh, pending, outcome, book } = useCompanyPage(id);
  const now = useServerNow(30_000);
  const outcomeRef = useRef<HTMLDivElement>(null);
  usePageTitle(data?.company.name ?? t("company.title"));
  useEffect(() => {
    if (outcome) outcomeRef.current?.focus();
  }, [outcome]);

  const onBook = (slot: SlotAvailability) => {
    if (!user) return route(`/login?next=${encodeURIComponent(url)}`);
    void book(slot);
  };

  if (loadError && !data)
    return (
      <main id="main" class="page">
        <a href="/" class="back">
          ← {t("company.back")}
        </a>
        <Alert onRetry={() => void refresh()}>{errorText(loadError)}</Alert>
      </main>
    );

  const tz = e?.timeZone;
  const mineHere = mine.filter((b) => b.companyId === id);
  return (
    <main id="main" class="page">
      <a href="/" class="back">
        ← {t("company.back")}
      </a>
      <div class="company-head">
        <h1>{data?.company.name ?? <Skeleton h="1em" w="12ch" />}</h1>
        <p class="muted">{data ? data.company.description : <Skeleton w="30ch" />}</p>
        {data?.company.website && (
          <a href={data.company.website} rel="noopener noreferrer" target="_blank">
            {data.company.website.replace(/^https?:\/\//, "")} ↗
          </a>
        )}
        {(data?.company.booth || data?.company.note) && (
          <p class="meta-line">
            {data.company.booth && (
              <span class="pill pill-plain">
                <Icon name="pin" size={13} /> {data.company.booth}
              </span>
            )}
            {data.company.note && <span class="note small">{data.company.note}</span>}
          </p>
        )}
      </div>
      <PhaseBanner />
      <div class="company-layout">
        <section aria-labelledby="slots-title" class="slots-section">
          <div class="section-head">
            <h2 id="slots-title">{t("company.slots")}</h2>
            <LiveBadge />
          </div>
          {e && <p class="muted small">{t("company.slotsLead", { date: eventDay(e.date), tz: e.timeZone })}</p>}
          <div ref={outcomeRef} tabIndex={-1} class="outcome" aria-live="assertive">
            {outcome && <OutcomeView outcome={outcome} tz={tz} onBook={onBook} pending={pending} />}
          </div>
          {!outcome && user?.role === "student" && e && <Heads e={e} deprioritized={user.deprioritized} />}
          {mineHere.length > 0 && !outcome && (
            <Alert kind="success">
              {t("company.youHave", { time: time(mineHere[0]!.startsAt, tz) })} <a href="/schedule">{t("company.seeSchedule")}</a>
            </Alert>
          )}
          {!data ? (
            <div class="slot-grid" aria-busy="true">
              {Array.from({ length: 16 }, (_, i) => (
                <span key={i} class="slot skeleton-slot" />
              ))}
            </div>
          ) : data.slots.length === 0 ? (
            <Empty title={t("company.noSlots")}>{t("company.noSlotsHint")}</Empty>
          ) : (
            <ul class="slot-grid">
              {data.slots.map((s) => {
                const isMine = mine.some((b) => b.slotId === s.id);
                const left = freeOf(s);
                const busy = pending === s.id;
                const bookable = bookableNow(s, now, e?.bookingCutoffMinutes ?? 0);
                const label = isMine
                  ? t("company.yours")
                  : busy
                    ? t("company.booking")
                    : !bookable
                      ? t(s.blocked ? "company.blocked" : "company.past")
                      : left === 0
                        ? t("company.full")
                        : t(left === 1 ? "company.seat" : "company.seats", { n: left });
                return (
                  <li key={s.id}>
                    <button
                      type="button"
                      class={`slot${isMine ? " mine" : !bookable ? " full past" : left === 0 ? " full" : ""}${busy ? " busy" : ""}`}
                      disabled={isMine || left === 0 || !bookable || pending !== null}
                      aria-label={`${time(s.startsAt, tz)}–${time(s.endsAt, tz)}, ${label}`}
                      data-slot={s.id}
                      onClick={() => onBook(s)}
                    >
                      <span class="slot-time">{time(s.startsAt, tz)}</span>
                      <span class="slot-state">{busy ? <Spinner label={label} /> : label}</span>
                      <span class="seat-dots" aria-hidden="true">
                        {Array.from({ length: s.capacity }, (_, i) => (
                          <i key={i} class={i < s.taken ? "taken" : undefined} />
                        ))}
                      </span>
                    </button>
                  </li>
                );
              })}
            </ul>
          )}
        </section>
        <section aria-labelledby="offers-title" class="offers-section">
          <h2 id="offers-title">{t("company.offers")}</h2>
          {data && data.offers.length === 0 && <p class="muted">{t("company.noOffers")}</p>}
          {data?.offers.map((o) => (
            <article key={o.id} class="card offer-detail">
              <h3>{o.title}</h3>
              <p class="offer-meta">
                <span class="pill">{contractLabel(o.contractType)}</span>
                {o.location && <span class="pill pill-plain"><Icon name="pin" size={13} /> {o.location}</span>}
              </p>
              <p>{o.description}</p>
              <p class="tags">
                {o.tags.map((tg) => (
                  <span key={tg} class="tag">
                    #{tg}
                  </span>
                ))}
              </p>
            </article>
          ))}
        </section>
      </div>
    </main>
  );
}

/** Said before anyone clicks: booking is closed, or this student must wait for phase 2. */
function Heads({ e, deprioritized }: { e: NonNullable<ReturnType<typeof event.get>>; deprioritized: boolean }) {
  const now = useServerNow(30_000);
  const phase = phaseAt(e, now);
  if (!e.bookingOpen || phase === 0) return <Alert kind="info">{t("book.closed")}</Alert>;
  if (phase === 1 && deprioritized) {
    const opens = e.phase2Start ? Date.parse(e.phase2Start) : null;
    return <Alert kind="info">{opens ? t("book.phaseGateWhen", { when: dateTime(opens, e.timeZone), left: duration(opens - now) }) : t("book.phaseGate")}</Alert>;
  }
  return null;
}

function OutcomeView({ outcome, tz, onBook, pending }: { outcome: Outcome; tz: string | undefined; onBook: (s: SlotAvailability) => void; pending: string | null }) {
  const e = event.get();
  if (outcome.kind === "ok")
    return (
      <Alert kind="success">
        <strong>{t("book.ok", { time: time(outcome.booking.startsAt, tz) })}</strong> <a href="/schedule">{t("company.seeSchedule")}</a>
      </Alert>
    );
  const err = outcome.error;
  const code = err instanceof ApiFailure ? err.code : "network";
  const d = (err instanceof ApiFailure && err.details && typeof err.details === "object" ? err.details : {}) as Record<string, string | number>;
  let body;
  switch (code) {
    case "slot_full":
      body = (
        <>
          <strong>{t("book.slotFull")}</strong>
          {outcome.alternatives.length ? (
            <div class="alternatives">
              <span>{t("book.alternatives")}</span>
              {outcome.alternatives.map((s) => (
                <button key={s.id} type="button" class="btn btn-small btn-primary" disabled={pending !== null} onClick={() => onBook(s)}>
                  {time(s.startsAt, tz)} · {t(freeOf(s) === 1 ? "company.seat" : "company.seats", { n: freeOf(s) })}
                </button>
              ))}
            </div>
          ) : (
            <span> {t("book.noAlternative")}</span>
          )}
        </>
      );
      break;
    case "phase_gate": {
      const opens = e?.phase2Start ? Date.parse(e.phase2Start) : null;
      body = (
        <>
          <strong>{t("book.phaseGate")}</strong> {opens ? t("book.phaseGateWhen", { when: dateTime(opens, tz), left: duration(opens - serverNow()) }) : null}
        </>
      );
      break;
    }
    case "phase_cap":
      body = <strong>{t("book.phaseCap", { used: d.used ?? "?", max: d.max ?? "?" })}</strong>;
      break;
    case "total_cap":
      body = <strong>{t("book.totalCap", { used: d.used ?? "?", max: d.max ?? "?" })}</strong>;
      break;
    case "time_conflict":
      body = <strong>{t("book.timeConflict", { company: companyName(String(d.companyId ?? "")) || "?", time: d.startsAt ? time(String(d.startsAt), tz) : "?" })}</strong>;
      break;
    case "company_already_booked":
      body = <strong>{t("book.companyAlready")}</strong>;
      break;
    case "already_booked":
      body = <strong>{t("book.already")}</strong>;
      break;
    case "booking_closed":
      body = <strong>{t("book.closed")}</strong>;
      break;
    case "slot_started":
      body = <strong>{t("book.started")}</strong>;
      break;
    case "slot_blocked":
      body = <strong>{t("book.blocked")}</strong>;
      break;
    case "draw_running":
      body = <strong>{t("book.drawRunning")}</strong>;
      break;
    default:
      body = <strong>{errorText(err)}</strong>;
  }
  return <Alert kind={code === "slot_full" || code === "phase_gate" || code === "booking_closed" || code === "draw_running" ? "warn" : "error"}>{body}</Alert>;
}
