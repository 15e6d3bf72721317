// The help desk on the day: find a student by name or e-mail, see their interviews and history,
// check them in, cancel or move an interview (with a reason, at any time).
import { useEffect, useState } from "preact/hooks";
import type { DeskBooking, DeskStudent, SlotAvailability } from "../../../../worker/domain/contract.ts";
import { Icon } from "../../components/Icon.tsx";
import { ReasonDialog } from "../../components/ReasonDialog.tsx";
import { Alert, AttendancePill, Confirm, Empty, Field, Spinner, errorText, usePageTitle } from "../../components/ui.tsx";
import { event } from "../../lib/event.ts";
import { dateTime, time } from "../../lib/format.ts";
import { type Key, useT } from "../../lib/i18n.ts";
import { useStore } from "../../lib/store.ts";
import { useDesk, useMoveChoices } from "../../lib/use-desk.ts";
import { codeLabel } from "../../lib/labels.ts";

type Target = { student: DeskStudent; booking: DeskBooking };

export function Desk() {
  const t = useT();
  usePageTitle(t("desk.title"));
  const desk = useDesk();
  const e = useStore(event);
  const tz = e?.timeZone;
  const [cancelling, setCancelling] = useState<Target | null>(null);
  const [moving, setMoving] = useState<Target | null>(null);
  const [busy, setBusy] = useState(false);
  const [msg, setMsg] = useState<{ kind: "success" | "error"; text: string } | null>(null);

  const run = async (f: () => Promise<unknown>, done: string) => {
    setBusy(true);
    try {
      await f();
      setMsg({ kind: "success", text: done });
      return true;
    } catch (err) {
      setMsg({ kind: "error", text: errorText(err) });
      return false;
    } finally {
      setBusy(false);
    }
  };
  return (
    <main id="main" class="page">
      <h1>{t("desk.title")}</h1>
      <p class="muted">{t("desk.lead")}</p>
      <div class="field search-field">
        <label for="desk-q">{t("desk.search")}</label>
        <input id="desk-q" type="search" autocomplete="off" placeholder={t("desk.placeholder")} value={desk.q} onInput={(ev) => setQQuiet(desk.setQ, ev.currentTarget.value, setMsg)} />
      </div>
      <div aria-live="polite">{msg && <Alert kind={msg.kind}>{msg.text}</Alert>}</div>
      {desk.error ? <Alert>{errorText(desk.error)}</Alert> : null}
      {desk.loading && !desk.students && <Spinner />}
      {desk.students?.length === 0 && <Empty title={t("desk.none")} />}
      <ul class="desk-list">
        {desk.students?.map((s) => (
          <li key={s.id} class="card desk-student">
            <div class="desk-who">
              <strong>{s.fullName}</strong> <a href={`mailto:${s.email}`}>{s.email}</a> {s.deprioritized && <span class="pill pill-warn" title={s.deprioritizedReason ?? undefined}>{t("desk.phase2")}</span>}
              {s.deprioritizedReason && <p class="small muted">{s.deprioritizedReason}</p>}
            </div>
            {s.bookings.length === 0 ? (
              <p class="muted small">{t("desk.noBookings")}</p>
            ) : (
              <div class="scroll-x">
                <table class="table">
                  <thead>
                    <tr>
                      <th scope="col">{t("desk.when")}</th>
                      <th scope="col">{t("desk.company")}</th>
                      <th scope="col">{t("desk.status")}</th>
                      <th scope="col">
                        <span class="visually-hidden">{t("desk.actions")}</span>
                      </th>
                    </tr>
                  </thead>
                  <tbody>
                    {s.bookings.map((b) => (
                      <tr key={b.id} class={b.status === "cancelled" ? "muted" : undefined}>
                        <td class="nowrap">{time(b.startsAt, tz)}</td>
                        <th scope="row">{b.companyName}</th>
                        <td>
                          {b.status === "cancelled" ? (
                            <>
                              {t(`cancelledBy.${b.cancelledBy ?? "student"}` as Key)}
                              {b.cancelReason ? <span class="small"> — {b.cancelReason}</span> : null}
                              {b.cancelledAt ? <span class="small nowrap"> · {dateTime(b.cancelledAt, tz)}</span> : null}
                            </>
                          ) : b.attendance ? (
                            <AttendancePill value={b.attendance} />
                          ) : (
                            <span class="pill">{t("desk.confirmed")}</span>
                          )}
                        </td>
                        <td class="desk-actions">
                          {b.status === "confirmed" && (
                            <>
                              <button type="button" class="btn btn-small" disabled={busy} aria-label={`${t("attendance.present")} · ${s.fullName} · ${time(b.startsAt, tz)}`} onClick={() => void run(() => desk.attend(b.id, "present"), t("checkin.marked", { name: s.fullName, status: t("attendance.present") }))}>
                                <Icon name="check" size={14} /> {t("attendance.present")}
                              </button>
                              <button type="button" class="btn btn-small" disabled={busy} aria-label={`${t("desk.move")} · ${s.fullName} · ${time(b.startsAt, tz)}`} onClick={() => setMoving({ student: s, booking: b })}>
                                {t("desk.move")}
                              </button>
                              <button type="button" class="btn btn-small btn-ghost" disabled={busy} aria-label={`${t("desk.cancel")} · ${s.fullName} · ${time(b.startsAt, tz)}`} onClick={() => setCancelling({ student: s, booking: b })}>
                                {t("desk.cancel")}
                              </button>
                            </>
                          )}
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            )}
            {Object.keys(s.attempts).length > 0 && (
              <p class="small muted">
                {t("desk.attempts")}{" "}
                {Object.entries(s.attempts)
                  .map(([code, n]) => `${codeLabel(code)} ${n}`)
                  .join(" · ")}
              </p>
            )}
          </li>
        ))}
      </ul>
      <ReasonDialog
        open={cancelling !== null}
        title={t("desk.cancelTitle")}
        confirm={t("desk.cancel")}
        busy={busy}
        onConfirm={(reason) => {
          const c = cancelling!;
          void run(() => desk.cancel(c.booking.id, reason), t("desk.cancelled", { name: c.student.fullName, company: c.booking.companyName, time: time(c.booking.startsAt, tz) })).then(() => setCancelling(null));
        }}
        onClose={() => setCancelling(null)}
      >
        {cancelling && <p>{t("desk.cancelBody", { name: cancelling.student.fullName, company: cancelling.booking.companyName, time: time(cancelling.booking.startsAt, tz) })}</p>}
      </ReasonDialog>
      <MoveDialog
        target={moving}
        tz={tz}
        busy={busy}
        onClose={() => setMoving(null)}
        onMove={(slot, reason, override) => {
          const m = moving!;
          void run(() => desk.move(m.booking.id, slot.id, reason, override), t("desk.moved", { name: m.student.fullName, time: time(slot.startsAt, tz) })).then((ok) => ok && setMoving(null));
        }}
      />
    </main>
  );
}

/** Typing clears the last action's message: it belonged to the previous search. */
function setQQuiet(setQ: (v: string) => void, v: string, setMsg: (m: null) => void) {
  setMsg(null);
  setQ(v);
}

/** Choose a company, then one of its free slots; a reason; caps overridden only when ticked. */
function MoveDialog(props: { target: Target | null; tz: string | undefined; busy: boolean; onClose: () => void; onMove: (slot: SlotAvailability, reason: string, override: boolean) => void }) {
  const t = useT();
  const [companyId, setCompanyId] = useState("");
  const { companies, slots } = useMoveChoices(props.target?.booking.id ?? null, companyId);
  const [slotId, setSlotId] = useState("");
  const [reason, setReason] = useState("");
  const [override, setOverride] = useState(false);
  const [missing, setMissing] = useState(false);
  useEffect(() => {
    if (!props.target) return;
    setCompanyId(props.target.booking.companyId);
    setSlotId("");
    setReason("");
    setOverride(false);
    setMissing(false);
  }, [props.target?.booking.id]);
  const free = (slots ?? []).filter((s) => s.taken < s.capacity && s.id !== props.target?.booking.slotId && (override || !s.blocked));
  const chosen = free.find((s) => s.id === slotId);
  return (
    <Confirm
      open={props.target !== null}
      title={t("desk.moveTitle")}
      confirm={t("desk.move")}
      busy={props.busy}
      onConfirm={() => (chosen && reason.trim() ? props.onMove(chosen, reason.trim(), override) : setMissing(true))}
      onClose={props.onClose}
    >
      {props.target && <p>{t("desk.moveBody", { name: props.target.student.fullName, company: props.target.booking.companyName, time: time(props.target.booking.startsAt, props.tz) })}</p>}
      <Field id="move-company" label={t("desk.company")}>
        <select id="move-company" value={companyId} onChange={(ev) => setCompanyId(ev.currentTarget.value)}>
          {companies.map((c) => (
            <option key={c.id} value={c.id}>
              {c.name}
            </option>
          ))}
        </select>
      </Field>
      <Field id="move-slot" label={t("desk.newTime")} error={missing && !chosen ? t("desk.pickSlot") : undefined}>
        <select id="move-slot" value={slotId} disabled={!slots} onChange={(ev) => setSlotId(ev.currentTarget.value)}>
          <option value="">{slots ? t("desk.freeSlots", { n: free.length }) : t("common.loading")}</option>
          {free.map((s) => (
            <option key={s.id} value={s.id}>
              {time(s.startsAt, props.tz)} · {s.capacity - s.taken}/{s.capacity}
              {s.blocked ? ` · ${t("recruiter.blocked")}` : ""}
            </option>
          ))}
        </select>
      </Field>
      <Field id="move-reason" label={t("reason.label")} error={missing && !reason.trim() ? t("reason.required") : undefined}>
        <textarea id="move-reason" rows={2} maxLength={500} value={reason} onInput={(ev) => setReason(ev.currentTarget.value)} />
      </Field>
      <label class="check small">
        <input type="checkbox" checked={override} onChange={(ev) => setOverride(ev.currentTarget.checked)} />
        {t("desk.override")}
      </label>
    </Confirm>
  );
}
