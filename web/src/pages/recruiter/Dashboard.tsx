// The recruiter's day: every slot with the students who booked it (name, e-mail, CV, attendance),
// fill rate, CSV; block a slot, add or remove a seat, release a booked seat with a reason.
// Data: lib/use-my-company.ts, lib/use-company-slots.ts (re-read as the live seats change).
import { useState } from "preact/hooks";
import type { CompanySlot, CompanySlotStudent } from "../../../../worker/domain/contract.ts";
import { Icon } from "../../components/Icon.tsx";
import { LiveBadge } from "../../components/LiveBadge.tsx";
import { ReasonDialog } from "../../components/ReasonDialog.tsx";
import { Alert, AttendancePill, Empty, Skeleton, errorText, usePageTitle } from "../../components/ui.tsx";
import { event, useServerNow } from "../../lib/event.ts";
import { eventDay, time } from "../../lib/format.ts";
import { useT } from "../../lib/i18n.ts";
import { useStore } from "../../lib/store.ts";
import { useCompanySlots } from "../../lib/use-company-slots.ts";
import { useMyCompany } from "../../lib/use-my-company.ts";

export function Dashboard() {
  const t = useT();
  usePageTitle(t("recruiter.title"));
  const e = useStore(event);
  const now = useServerNow(30_000);
  const { me, error } = useMyCompany();
  const day = useCompanySlots(me?.verified ? me.company.id : null);
  const slots = day.slots;
  const [notice, setNotice] = useState<{ kind: "success" | "error"; text: string } | null>(null);
  const [releasing, setReleasing] = useState<{ slot: CompanySlot; student: CompanySlotStudent } | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const tz = e?.timeZone;

  const seats = slots?.reduce((a, s) => a + s.capacity, 0) ?? 0;
  const taken = slots?.reduce((a, s) => a + s.students.length, 0) ?? 0;
  const students = new Set(slots?.flatMap((s) => s.students.map((x) => x.id)) ?? []).size;
  const cv = (id: string, name: string) =>
    void day
      .cv(id, name)
      .then(() => setNotice(null))
      .catch((err: { code?: string }) => setNotice({ kind: "error", text: err?.code === "not_found" ? t("recruiter.noCv", { name }) : errorText(err) }));
  const act = async (key: string, run: () => Promise<unknown>, done: string) => {
    setBusy(key);
    try {
      await run();
      setNotice({ kind: "success", text: done });
    } catch (err) {
      setNotice({ kind: "error", text: errorText(err) });
    } finally {
      setBusy(null);
    }
  };
  const release = (reason: string) => {
    if (!releasing) return;
    const { student, slot } = releasing;
    void act(`release-${student.bookingId}`, () => day.release(student.bookingId, reason), t("recruiter.released", { name: student.fullName, time: time(slot.startsAt, tz) })).then(() => setReleasing(null));
  };

  return (
    <main id="main" class="page">
      <div class="page-head">
        <div>
          <h1>{me?.company.name ?? <Skeleton h="1em" w="10ch" />}</h1>
          <p class="muted">
            {e ? `${t("recruiter.title")} · ${eventDay(e.date)}${me?.company.booth ? ` · ${me.company.booth}` : ""}` : "\u00a0"} {me?.verified && <LiveBadge />}
          </p>
        </div>
        <div class="actions">
          <a class="btn btn-primary" href="/recruiter/checkin">
            <Icon name="qr" /> {t("checkin.title")}
          </a>
          <button type="button" class="btn" onClick={() => day.exportCsv(me?.company.name ?? "company", tz)} disabled={!taken}>
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
      <div aria-live="polite">{notice && <Alert kind={notice.kind}>{notice.text}</Alert>}</div>
      {day.error ? <Alert onRetry={() => void day.reload()}>{errorText(day.error)}</Alert> : null}
      {slots && slots.length === 0 && <Empty title={t("recruiter.noSlots")}>{me?.verified ? t("recruiter.noSlotsHint") : t("recruiter.unverifiedBody")}</Empty>}
      <ol class="day">
        {!slots && Array.from({ length: 4 }, (_, i) => <li key={i} class="day-row skeleton-card" style={{ height: "3.5rem" }} />)}
        {slots?.map((s) => {
          const over = now >= Date.parse(s.endsAt);
          return (
            <li key={s.id} class={`day-row card${s.students.length ? "" : " empty-row"}${over ? " past" : ""}${s.blocked ? " blocked" : ""}`}>
              <div class="when">
                <span class="when-time">{time(s.startsAt, tz)}</span>
                <span class="muted small">→ {time(s.endsAt, tz)}</span>
              </div>
              <div class="who">
                {s.blocked && <span class="pill pill-warn">{t("recruiter.blocked")}</span>}
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
                        {st.attendance && <AttendancePill value={st.attendance} />}
                        <button type="button" class="btn btn-small btn-ghost" onClick={() => cv(st.id, st.fullName)}>
                          {t("recruiter.cv")}
                        </button>
                        <button type="button" class="btn btn-small btn-ghost" aria-label={`${t("recruiter.release")} ${st.fullName}`} onClick={() => setReleasing({ slot: s, student: st })}>
                          {t("recruiter.release")}
                        </button>
                      </li>
                    ))}
                  </ul>
                )}
              </div>
              <div class="slot-tools">
                <span class="fill-badge">
                  {s.students.length}/{s.capacity}
                </span>
                <div class="stepper" role="group" aria-label={t("recruiter.seatsOf", { time: time(s.startsAt, tz) })}>
                  <button type="button" class="btn btn-small" aria-label={t("recruiter.seatLess", { time: time(s.startsAt, tz) })} disabled={busy !== null || s.capacity <= Math.max(1, s.students.length)} onClick={() => void act(`cap-${s.id}`, () => day.change(s.id, { capacity: s.capacity - 1 }), t("recruiter.capacityNow", { n: s.capacity - 1, time: time(s.startsAt, tz) }))}>
                    −
                  </button>
                  <button type="button" class="btn btn-small" aria-label={t("recruiter.seatMore", { time: time(s.startsAt, tz) })} disabled={busy !== null} onClick={() => void act(`cap-${s.id}`, () => day.change(s.id, { capacity: s.capacity + 1 }), t("recruiter.capacityNow", { n: s.capacity + 1, time: time(s.startsAt, tz) }))}>
                    +
                  </button>
                </div>
                <button type="button" class="btn btn-small btn-ghost" aria-pressed={s.blocked} disabled={busy !== null} onClick={() => void act(`block-${s.id}`, () => day.change(s.id, { blocked: !s.blocked }), t(s.blocked ? "recruiter.unblocked" : "recruiter.blockedMsg", { time: time(s.startsAt, tz) }))}>
                  {s.blocked ? t("recruiter.unblock") : t("recruiter.block")}
                </button>
              </div>
            </li>
          );
        })}
      </ol>
      <ReasonDialog open={releasing !== null} title={t("recruiter.releaseTitle")} confirm={t("recruiter.release")} busy={busy?.startsWith("release-") ?? false} onConfirm={release} onClose={() => setReleasing(null)}>
        {releasing && <p>{t("recruiter.releaseBody", { name: releasing.student.fullName, time: time(releasing.slot.startsAt, tz) })}</p>}
      </ReasonDialog>
    </main>
  );
}
