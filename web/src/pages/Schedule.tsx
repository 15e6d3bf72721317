// My schedule: chronological, cancel with confirmation, download as .ics, print-friendly.
import { useState } from "preact/hooks";
import type { Booking } from "../../../worker/domain/contract.ts";
import { PhaseBanner } from "../components/PhaseBanner.tsx";
import { Alert, Confirm, Empty, errorText, usePageTitle } from "../components/ui.tsx";
import { saveBlob } from "../lib/api.ts";
import { bookings, cancel } from "../lib/bookings.ts";
import { catalogue, companyName } from "../lib/catalogue.ts";
import { event } from "../lib/event.ts";
import { dateTime, eventDay, time } from "../lib/format.ts";
import { icsCalendar } from "../../../worker/domain/ics.ts";
import { useT } from "../lib/i18n.ts";
import { useStore } from "../lib/store.ts";
import { Icon } from "../components/Icon.tsx";

export function Schedule() {
  const t = useT();
  usePageTitle(t("schedule.title"));
  const list = useStore(bookings);
  const e = useStore(event);
  useStore(catalogue);
  const [asking, setAsking] = useState<Booking | null>(null);
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<{ kind: "success" | "error"; text: string } | null>(null);
  const tz = e?.timeZone;

  const doCancel = async () => {
    if (!asking) return;
    setBusy(true);
    try {
      await cancel(asking.id);
      setMessage({ kind: "success", text: t("schedule.cancelled", { company: companyName(asking.companyId), time: time(asking.startsAt, tz) }) });
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
      list.map((b) => ({ uid: b.id, startsAt: b.startsAt, endsAt: b.endsAt, summary: t("schedule.icsTitle", { company: companyName(b.companyId) }) })),
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
          {list.map((b) => (
            <li key={b.id} class="timeline-item card">
              <div class="when">
                <span class="when-time">{time(b.startsAt, tz)}</span>
                <span class="muted small">→ {time(b.endsAt, tz)}</span>
              </div>
              <div class="what">
                <a href={`/companies/${b.companyId}`} class="what-company">
                  {companyName(b.companyId) || "…"}
                </a>
                <span class="muted small">{t("schedule.phase", { n: b.phase })}</span>
              </div>
              <button type="button" class="btn btn-ghost btn-small no-print" onClick={() => setAsking(b)}>
                {t("schedule.cancel")}
              </button>
            </li>
          ))}
        </ol>
      )}
      {deadline && list?.length ? <p class="muted small">{t("schedule.deadline", { when: dateTime(deadline, tz) })}</p> : null}
      <Confirm open={asking !== null} title={t("schedule.confirmTitle")} confirm={t("schedule.confirm")} danger busy={busy} onConfirm={() => void doCancel()} onClose={() => setAsking(null)}>
        {asking && <p>{t("schedule.confirmBody", { company: companyName(asking.companyId), time: time(asking.startsAt, tz) })}</p>}
      </Confirm>
    </main>
  );
}
