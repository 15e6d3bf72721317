// The yearly configuration: one form (validated by the API's single schema, messages per field),
// a phase timeline preview, and the booking kill switch behind a confirmation.
import { useState } from "preact/hooks";
import { Alert, Confirm, Field, Spinner, errorText, usePageTitle } from "../../components/ui.tsx";
import { fieldMessages } from "../../lib/api.ts";
import { useDraft } from "../../lib/draft.ts";
import { serverNow } from "../../lib/event.ts";
import { dateTime } from "../../lib/format.ts";
import { useT, type Key } from "../../lib/i18n.ts";
import { BOOLEANS, DATETIMES, type Form, patchOf, toForm, useEventConfig } from "../../lib/use-event-config.ts";

export function EventConfigPage() {
  const t = useT();
  usePageTitle(t("config.title"));
  const { current, base, loadError, save: patchEvent, setBookingOpen } = useEventConfig();
  const draft = useDraft<Form>("event-config", base);
  const [saving, setSaving] = useState(false);
  const [fields, setFields] = useState<Record<string, string>>({});
  const [msg, setMsg] = useState<{ kind: "success" | "error"; text: string } | null>(null);
  const [switching, setSwitching] = useState(false);
  const [busySwitch, setBusySwitch] = useState(false);

  const f = draft.value;
  const set = (k: keyof Form) => (e: { currentTarget: HTMLInputElement | HTMLTextAreaElement }) => draft.update({ [k]: e.currentTarget.value } as Partial<Form>);
  const save = async (e: Event) => {
    e.preventDefault();
    if (!f || !base) return;
    setFields({});
    setMsg(null);
    const patch = patchOf(f, base);
    if (typeof patch === "string") {
      setFields({ breaks: t("config.breaksFormat") });
      return;
    }
    if (!Object.keys(patch).length) return setMsg({ kind: "success", text: t("config.nothing") });
    setSaving(true);
    try {
      draft.clear(toForm(await patchEvent(patch)));
      setMsg({ kind: "success", text: t("config.saved") });
    } catch (err) {
      const fm = fieldMessages(err);
      setFields(Object.fromEntries(Object.entries(fm).map(([k, v]) => [k.split(".")[0]!, v])));
      setMsg({ kind: "error", text: Object.keys(fm).length ? t("config.fix") : errorText(err) });
    } finally {
      setSaving(false);
    }
  };
  const flip = async () => {
    if (!current) return;
    setBusySwitch(true);
    try {
      const e = await setBookingOpen(!current.bookingOpen);
      setMsg({ kind: "success", text: e.bookingOpen ? t("config.opened") : t("config.closed") });
    } catch (err) {
      setMsg({ kind: "error", text: errorText(err) });
    } finally {
      setBusySwitch(false);
      setSwitching(false);
    }
  };

  const input = (k: keyof Form, type = "text", extra: Record<string, string | number> = {}) => {
    const attrs: Record<string, string | number> = { type, ...extra };
    return (
    <Field id={`f-${k}`} label={t(`config.${k}` as Key)} error={fields[k]}>
      <input id={`f-${k}`} {...attrs} value={f?.[k] ?? ""} disabled={!f} onInput={set(k)} aria-invalid={!!fields[k]} />
    </Field>
    );
  };
  return (
    <main id="main" class="page">
      <h1>{t("config.title")}</h1>
      {loadError ? <Alert>{errorText(loadError)}</Alert> : null}
      <section class={`card kill ${current?.bookingOpen ? "kill-on" : "kill-off"}`} aria-labelledby="kill-title">
        <div>
          <h2 id="kill-title">{t("config.killTitle")}</h2>
          <p class="muted">{current ? (current.bookingOpen ? t("config.killOnBody") : t("config.killOffBody")) : "\u00a0"}</p>
        </div>
        <button type="button" role="switch" aria-checked={current?.bookingOpen ?? false} class="switch" disabled={!current} onClick={() => setSwitching(true)}>
          <span class="switch-knob" aria-hidden="true" />
          <span>{current?.bookingOpen ? t("config.open") : t("config.closedLabel")}</span>
        </button>
      </section>
      {f && <Timeline form={f} />}
      {draft.restored && (
        <Alert kind="info">
          {t("editor.draftRestored")}{" "}
          <button type="button" class="link-button" onClick={draft.discard}>
            {t("editor.discard")}
          </button>
        </Alert>
      )}
      <form class="config-form" onSubmit={save} noValidate>
        <fieldset class="card">
          <legend>{t("config.event")}</legend>
          <div class="grid-3">
            {input("name")}
            {input("date", "date")}
            {input("timeZone")}
          </div>
        </fieldset>
        <fieldset class="card">
          <legend>{t("config.day")}</legend>
          <div class="grid-3">
            {input("dayStart", "time")}
            {input("dayEnd", "time")}
            {input("breaks", "text", { placeholder: "10:30-10:45" })}
            {input("slotDurationMinutes", "number", { min: 1 })}
            {input("bufferMinutes", "number", { min: 0 })}
            {input("slotCapacity", "number", { min: 1 })}
          </div>
        </fieldset>
        <fieldset class="card">
          <legend>{t("config.phases")}</legend>
          <p class="muted small">{t("config.localTime", { tz: Intl.DateTimeFormat().resolvedOptions().timeZone })}</p>
          <div class="grid-2">
            {input("phase1Start", "datetime-local")}
            {input("phase1End", "datetime-local")}
            {input("phase2Start", "datetime-local")}
            {input("phase2End", "datetime-local")}
            {input("cancelDeadline", "datetime-local")}
          </div>
        </fieldset>
        <fieldset class="card">
          <legend>{t("config.draw")}</legend>
          <p class="muted small">{t("config.drawLead")}</p>
          <div class="grid-2">
            {input("wishesOpen", "datetime-local")}
            {input("maxWishes", "number", { min: 1, max: 50 })}
          </div>
          <div class="checks">
            {BOOLEANS.map((k) => (
              <label key={k} class="check" for={`f-${k}`}>
                <input id={`f-${k}`} type="checkbox" checked={f?.[k] === "true"} disabled={!f} onChange={(ev) => draft.update({ [k]: String(ev.currentTarget.checked) } as Partial<Form>)} />
                {t(`config.${k}` as Key)}
              </label>
            ))}
          </div>
          {(fields.drawPhase1 || fields.drawPhase2) && <p class="field-error">{fields.drawPhase1 ?? fields.drawPhase2}</p>}
        </fieldset>
        <fieldset class="card">
          <legend>{t("config.caps")}</legend>
          <div class="grid-3">
            {input("maxBookingsPhase1", "number", { min: 0 })}
            {input("maxBookingsTotal", "number", { min: 1 })}
            {input("maxBookingsPerCompany", "number", { min: 1 })}
          </div>
        </fieldset>
        <fieldset class="card">
          <legend>{t("config.theDay")}</legend>
          <div class="grid-2">
            {input("bookingCutoffMinutes", "number", { min: 0 })}
            {input("contactEmail", "email", { placeholder: "career@school.example" })}
          </div>
        </fieldset>
        <fieldset class="card">
          <legend>{t("config.live")}</legend>
          <p class="muted small">{t("config.liveLead")}</p>
          <div class="grid-3 grid-fill">{input("liveMaxSockets", "number", { min: 1 })}</div>
        </fieldset>
        <fieldset class="card">
          <legend>{t("nav.accounts")}</legend>
          <Field id="f-studentEmailDomains" label={t("config.studentEmailDomains")} error={fields.studentEmailDomains ?? Object.entries(fields).find(([k]) => k.startsWith("studentEmailDomains."))?.[1]} hint={t("config.studentEmailDomainsHint")}>
            <input id="f-studentEmailDomains" value={f?.studentEmailDomains ?? ""} disabled={!f} onInput={set("studentEmailDomains")} placeholder="student.school.be" />
          </Field>
        </fieldset>
        <div aria-live="polite">{msg && <Alert kind={msg.kind}>{msg.text}</Alert>}</div>
        <div class="actions">
          <button class="btn btn-primary" disabled={!f || saving}>
            {saving && <Spinner />}
            {t("config.save")}
          </button>
          {base && f && JSON.stringify(base) !== JSON.stringify(f) && <span class="muted small">{t("config.unsaved")}</span>}
        </div>
      </form>
      <Confirm
        open={switching}
        title={current?.bookingOpen ? t("config.confirmClose") : t("config.confirmOpen")}
        confirm={current?.bookingOpen ? t("config.doClose") : t("config.doOpen")}
        danger={current?.bookingOpen ?? false}
        busy={busySwitch}
        onConfirm={() => void flip()}
        onClose={() => setSwitching(false)}
      >
        <p>{current?.bookingOpen ? t("config.confirmCloseBody") : t("config.confirmOpenBody")}</p>
      </Confirm>
    </main>
  );
}

/** Phase 1, phase 2 and the cancellation deadline on one line, with "now". */
function Timeline({ form }: { form: Form }) {
  const t = useT();
  const at = (k: (typeof DATETIMES)[number]) => (form[k] ? new Date(form[k]).getTime() : null);
  const p1 = [at("phase1Start"), at("phase1End")] as const;
  const p2 = [at("phase2Start"), at("phase2End")] as const;
  const dl = at("cancelDeadline");
  const wo = at("wishesOpen");
  const now = serverNow();
  const points = [p1[0], p1[1], p2[0], p2[1], dl, wo, now].filter((x): x is number => x !== null && !Number.isNaN(x));
  const min = Math.min(...points);
  const max = Math.max(...points);
  const span = Math.max(1, max - min);
  const pos = (x: number) => `${(100 * (x - min)) / span}%`;
  const bar = (r: readonly [number | null, number | null], cls: string, label: string) =>
    r[0] !== null && r[1] !== null && r[1] > r[0] ? (
      <span class={`tl-bar ${cls}`} style={{ left: pos(r[0]), width: `${(100 * (r[1] - r[0])) / span}%` }} title={`${label}: ${dateTime(r[0])} → ${dateTime(r[1])}`}>
        {label}
      </span>
    ) : null;
  return (
    <section class="card" aria-labelledby="tl-title">
      <h2 id="tl-title">{t("config.timeline")}</h2>
      <div class="timeline-preview">
        {bar(p1, "tl-p1", t("config.phase1"))}
        {bar(p2, "tl-p2", t("config.phase2"))}
        {dl !== null && <span class="tl-mark tl-deadline" style={{ left: pos(dl) }} title={t("config.cancelDeadline")} />}
        {wo !== null && <span class="tl-mark tl-wishes" style={{ left: pos(wo) }} title={t("config.wishesOpen")} />}
        <span class="tl-mark tl-now" style={{ left: pos(now) }}>
          <span>{t("config.now")}</span>
        </span>
      </div>
      <dl class="tl-legend small">
        <dt>{t("config.phase1")}</dt>
        <dd>{p1[0] && p1[1] ? `${dateTime(p1[0])} → ${dateTime(p1[1])}` : "—"}</dd>
        <dt>{t("config.phase2")}</dt>
        <dd>{p2[0] && p2[1] ? `${dateTime(p2[0])} → ${dateTime(p2[1])}` : "—"}</dd>
        <dt>{t("config.cancelDeadline")}</dt>
        <dd>{dl ? dateTime(dl) : t("config.noDeadline")}</dd>
        <dt>{t("config.wishes")}</dt>
        <dd>{wo ? dateTime(wo) : "—"}</dd>
      </dl>
    </section>
  );
}
