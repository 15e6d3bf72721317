// The recruiter's day: every slot with the students who booked them (name, e-mail, CV), fill rate,
// CSV. Data: lib/use-my-company.ts, lib/use-company-slots.ts.
import { useState } from "preact/hooks";
import { LiveBadge } from "../../components/LiveBadge.tsx";
import { Alert, Empty, Skeleton, errorText, usePageTitle } from "../../components/ui.tsx";
import { event } from "../../lib/event.ts";
import { eventDay, time } from "../../lib/format.ts";
import { useT } from "../../lib/i18n.ts";
import { useStore } from "../../lib/store.ts";
import { useCompanySlots } from "../../lib/use-company-slots.ts";
import { useMyCompany } from "../../lib/use-my-company.ts";
import { Icon } from "../../components/Icon.tsx";

export function Dashboard() {
  const t = useT();
  usePageTitle(t("recruiter.title"));
  const e = useStore(event);
  const { me, error } = useMyCompany();
  const { slots, error: slotError, reload, exportCsv, cv: downloadCv } = useCompanySlots(me?.verified ? me.company.id : null);
  const [cvError, setCvError] = useState<string | null>(null);
  const tz = e?.timeZone;

  const seats = slots?.reduce((a, s) => a + s.capacity, 0) ?? 0;
  const taken = slots?.reduce((a, s) => a + s.students.length, 0) ?? 0;
  const students = new Set(slots?.flatMap((s) => s.students.map((x) => x.id)) ?? []).size;
  const cv = (id: string, name: string) =>
    void downloadCv(id, name)
      .then(() => setCvError(null))
      .catch((err: { code?: string }) => setCvError(err?.code === "not_found" ? t("recruiter.noCv", { name }) : errorText(err)));

  return (
    <main id="main" class="page">
      <div class="page-head">
        <div>
          <h1>{me?.company.name ?? <Skeleton h="1em" w="10ch" />}</h1>
          <p class="muted">
            {e ? `${t("recruiter.title")} · ${eventDay(e.date)}` : "\u00a0"} {me?.verified && <LiveBadge />}
          </p>
        </div>
        <div class="actions">
          <button type="button" class="btn" onClick={() => exportCsv(me?.company.name ?? "company", tz)} disabled={!taken}>
            <Icon name="download" /> {t("recruiter.csv")}
          </button>
          <a class="btn btn-ghost" href="/recruiter/company">
            {t("recruiter.edit")}
          </a>
        </div>
      </div>
      {error ? <Alert>{errorText(error)}</Alert> : null}
      {me && !me.verified && (
        <Alert kind="warn">
          <strong>{t("recruiter.unverified")}</strong> {t("recruiter.unverifiedBody")}
        </Alert>
      )}
      <div class="stats">
        <div class="stat card">
          <span class="stat-value">{slots ? `${seats ? Math.round((100 * taken) / seats) : 0} %` : "–"}</span>
          <span class="stat-label">{t("recruiter.fill")}</span>
          <span class="meter" aria-hidden="true">
            <span style={{ width: `${seats ? (100 * taken) / seats : 0}%` }} />
          </span>
        </div>
        <div class="stat card">
          <span class="stat-value">{slots ? taken : "–"}</span>
          <span class="stat-label">{t("recruiter.interviews", { seats })}</span>
        </div>
        <div class="stat card">
          <span class="stat-value">{slots ? students : "–"}</span>
          <span class="stat-label">{t("recruiter.students")}</span>
        </div>
      </div>
      <div aria-live="polite">{cvError && <Alert>{cvError}</Alert>}</div>
      {slotError ? <Alert onRetry={() => void reload()}>{errorText(slotError)}</Alert> : null}
      {slots && slots.length === 0 && <Empty title={t("recruiter.noSlots")}>{me?.verified ? t("recruiter.noSlotsHint") : t("recruiter.unverifiedBody")}</Empty>}
      <ol class="day">
        {!slots && Array.from({ length: 4 }, (_, i) => <li key={i} class="day-row skeleton-card" style={{ height: "3.5rem" }} />)}
        {slots?.map((s) => (
          <li key={s.id} class={`day-row card${s.students.length ? "" : " empty-row"}`}>
            <div class="when">
              <span class="when-time">{time(s.startsAt, tz)}</span>
              <span class="muted small">→ {time(s.endsAt, tz)}</span>
            </div>
            <div class="who">
              {s.students.length === 0 ? (
                <span class="muted">{t("recruiter.free", { n: s.capacity })}</span>
              ) : (
                <ul class="people">
                  {s.students.map((st) => (
                    <li key={st.id}>
                      <strong>{st.fullName}</strong>
                      <a href={`mailto:${st.email}`} class="small">
                        {st.email}
                      </a>
                      <button type="button" class="btn btn-small btn-ghost" onClick={() => cv(st.id, st.fullName)}>
                        {t("recruiter.cv")}
                      </button>
                    </li>
                  ))}
                </ul>
              )}
            </div>
            <span class="fill-badge">
              {s.students.length}/{s.capacity}
            </span>
          </li>
        ))}
      </ol>
    </main>
  );
}
