// My schedule: chronological, with each interview's booth and check-in code, past ones shown as
// past; cancel with confirmation until the slot starts; the history of cancellations (who, why);
// download as .ics; print-friendly.
import { useEffect, useState } from "preact/hooks";
import type { ScheduleEntry } from "../../../worker/domain/contract.ts";
import { slotStarted } from "../../../worker/domain/rules.ts";
import { CheckInCode } from "../components/CheckInCode.tsx";
import { Icon } from "../components/Icon.tsx";
import { PhaseBanner } from "../components/PhaseBanner.tsx";
import { Alert, AttendancePill, Confirm, Empty, errorText, usePageTitle } from "../components/ui.tsx";
import { saveBlob } from "../lib/api.ts";
import { bookings, cancel, loadHistory } from "../lib/bookings.ts";
import { event, useServerNow } from "../lib/event.ts";
import { dateTime, eventDay, time } from "../lib/format.ts";
import { icsCalendar } from "../../../worker/domain/ics.ts";
import { type Key, useT } from "../lib/i18n.ts";
import { useStore } from "../lib/store.ts";

export function Schedule() {
  const t = useT();
  usePageTitle(t("schedule.title"));
  const list = useStore(bookings);
  const e = useStore(event);
  const now = useServerNow(30_000);
  const [history, setHistory] = useState<ScheduleEntry[]>([]);
  const [asking, setAsking] = useState<ScheduleEntry | null>(null);
  const [showing, setShowing] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<{ kind: "success" | "error"; text: string } | null>(null);
  const tz = e?.timeZone;
  const cutoff = e?.bookingCutoffMinutes ?? 0;
  useEffect(() => void loadHistory().then(setHistory).catch(() => setHistory([])), [list?.length]);

  const doCancel = async () => {
    if (!asking) return;
    setBusy(true);
    try {
      await cancel(asking.id);
      setMessage({ kind: "success", text: t("schedule.cancelled", { company: asking.companyName, time: time(asking.startsAt, tz) }) });
    } catch (err) {
      setMessage({ kind: "error", text: errorText(err) });
    } finally {
      setBusy(false);
      setAsking(null);
    }
  };
  const ics = () => {
    if (!list || !e) return;
    const text = icsCalendar(
      e.name,
      list.map((b) => ({
        uid: b.id,
        startsAt: b.startsAt,
        endsAt: b.endsAt,
        summary: t("schedule.icsTitle", { company: b.companyName }),
        description: b.note ? `${e.name}\n${b.note}` : e.name,
        location: b.booth && `${b.booth} · ${e.name}`,
      })),
    );
    saveBlob(new Blob([text], { type: "text/calendar;charset=utf-8" }), `${e.name.replace(/[^\w-]+/g, "-").toLowerCase()}.ics`);
  };
  const deadline = e?.cancelDeadline;
  return (
    <main id="main" class="page">
      <div class="page-head">
        <div>
          <h1>{t("schedule.title")}</h1>
          <p class="muted">{e ? eventDay(e.date) : "\u00a0"}</p>
        </div>
        <div class="actions no-print">
          <button type="button" class="btn" onClick={ics} disabled={!list?.length}>
            <Icon name="calendar" /> {t("schedule.ics")}
          </button>
          <button type="button" class="btn btn-ghost" onClick={() => window.print()} disabled={!list?.length}>
            <Icon name="print" /> {t("schedule.print")}
          </button>
        </div>
      </div>
      <div class="no-print">
        <PhaseBanner />
      </div>
      <div aria-live="polite">{message && <Alert kind={message.kind}>{message.text}</Alert>}</div>
      {!list ? (
        <ol class="timeline" aria-busy="true">
          {[0, 1].map((i) => (
            <li key={i} class="timeline-item skeleton-card" style={{ height: "5.5rem" }} />
          ))}
        </ol>
      ) : list.length === 0 ? (
        <Empty title={t("schedule.empty")}>
          <p>{t("schedule.emptyHint")}</p>
          <a class="btn btn-primary" href="/">
            {t("schedule.browse")}
          </a>
        </Empty>
      ) : (
        <ol class="timeline">
          {list.map((b) => {
            const started = slotStarted(Date.parse(b.startsAt), now, cutoff);
            const over = now >= Date.parse(b.endsAt);
            return (
              <li key={b.id} class={`timeline-item card${over ? " past" : ""}`}>
                <div class="when">
                  <span class="when-time">{time(b.startsAt, tz)}</span>
                  <span class="muted small">→ {time(b.endsAt, tz)}</span>
                </div>
                <div class="what">
                  <a href={`/companies/${b.companyId}`} class="what-company">
                    {b.companyName || "…"}
                  </a>
                  <span class="meta-line small">
                    {b.booth && (
                      <span class="pill pill-plain">
                        <Icon name="pin" size={13} /> {b.booth}
                      </span>
                    )}
                    {b.attendance ? <AttendancePill value={b.attendance} /> : over ? <span class="pill pill-plain">{t("schedule.over")}</span> : started ? <span class="pill pill-warn">{t("schedule.started")}</span> : null}
                  </span>
                  {b.note && <span class="note small">{b.note}</span>}
                  {b.checkInToken && !over && showing === b.id && <CheckInCode token={b.checkInToken} label={t("checkin.codeFor", { company: b.companyName, time: time(b.startsAt, tz) })} />}
                </div>
                <div class="item-actions no-print">
                  {b.checkInToken && !over && !b.attendance && (
                    <button type="button" class="btn btn-small" aria-expanded={showing === b.id} onClick={() => setShowing(showing === b.id ? null : b.id)}>
                      <Icon name="qr" /> {showing === b.id ? t("checkin.hide") : t("checkin.show")}
                    </button>
                  )}
                  {!started && (
                    <button type="button" class="btn btn-ghost btn-small" onClick={() => setAsking(b)}>
                      {t("schedule.cancel")}
                    </button>
                  )}
                </div>
              </li>
            );
          })}
        </ol>
      )}
      {deadline && list?.length ? <p class="muted small">{t("schedule.deadline", { when: dateTime(deadline, tz) })}</p> : null}
      {history.length > 0 && (
        <section class="history no-print" aria-labelledby="history-title">
          <h2 id="history-title">{t("schedule.history")}</h2>
          <ul class="history-list">
            {history.map((b) => (
              <li key={b.id} class="small">
                <span class="nowrap">{dateTime(b.startsAt, tz)}</span> · <strong>{b.companyName || "…"}</strong> · {t(`cancelledBy.${b.cancelledBy ?? "student"}` as Key)}
                {b.cancelReason ? <span class="muted"> — {b.cancelReason}</span> : null}
              </li>
            ))}
          </ul>
        </section>
      )}
      <Confirm open={asking !== null} title={t("schedule.confirmTitle")} confirm={t("schedule.confirm")} danger busy={busy} onConfirm={() => void doCancel()} onClose={() => setAsking(null)}>
        {asking && <p>{t("schedule.confirmBody", { company: asking.companyName, time: time(asking.startsAt, tz) })}</p>}
      </Confirm>
    </main>
  );
}
