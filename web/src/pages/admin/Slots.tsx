// Slot generation: a dry run shows how many slots each company gets, then one click creates them
// (lib/use-slot-generation.ts).
import { useState } from "preact/hooks";
import { Alert, Confirm, Spinner, errorText, usePageTitle } from "../../components/ui.tsx";
import { useT } from "../../lib/i18n.ts";
import { useSlotGeneration } from "../../lib/use-slot-generation.ts";

export function Slots() {
  const t = useT();
  usePageTitle(t("slots.title"));
  const { companies, chosen, preview, done, busy, error, generate, toggle, chooseAll, chooseNone, rowOf: row, hours, setHours } = useSlotGeneration();
  const [asking, setAsking] = useState(false);
  return (
    <main id="main" class="page">
      <h1>{t("slots.title")}</h1>
      <p class="muted">{t("slots.lead")}</p>
      {error ? <Alert>{errorText(error)}</Alert> : null}
      <div aria-live="polite">
        {done && <Alert kind="success">{t("slots.done", { created: done.created, removed: done.removed, kept: done.keptBooked })}</Alert>}
      </div>
      <section class="card">
        <div class="page-head">
          <h2>{t("slots.preview")}</h2>
          <div class="actions">
            <button type="button" class="link-button" onClick={chooseAll}>
              {t("slots.all")}
            </button>
            <button type="button" class="link-button" onClick={chooseNone}>
              {t("slots.none")}
            </button>
          </div>
        </div>
        <fieldset class="hours">
          <legend>{t("slots.hours")}</legend>
          <label class="check small">
            <input type="checkbox" checked={hours !== undefined && hours !== null} onChange={(ev) => setHours(ev.currentTarget.checked ? { dayStart: "09:00", dayEnd: "12:00" } : undefined)} />
            {t("slots.ownHours", { n: chosen.size })}
          </label>
          {hours && (
            <div class="inline">
              <label class="small" for="h-start">
                {t("config.dayStart")}
              </label>
              <input id="h-start" type="time" value={hours.dayStart} onChange={(ev) => setHours({ ...hours, dayStart: ev.currentTarget.value })} />
              <label class="small" for="h-end">
                {t("config.dayEnd")}
              </label>
              <input id="h-end" type="time" value={hours.dayEnd} onChange={(ev) => setHours({ ...hours, dayEnd: ev.currentTarget.value })} />
            </div>
          )}
          <label class="check small">
            <input type="checkbox" checked={hours === null} onChange={(ev) => setHours(ev.currentTarget.checked ? null : undefined)} />
            {t("slots.eventHours")}
          </label>
        </fieldset>
        <p class="muted small" aria-live="polite">
          {preview ? t("slots.summary", { per: preview.perCompanySlots, created: preview.created, removed: preview.removed, kept: preview.keptBooked }) : busy === "preview" ? t("common.loading") : "\u00a0"}
        </p>
        <div class="scroll-x">
        <table class="table">
          <thead>
            <tr>
              <th scope="col">{t("slots.company")}</th>
              <th scope="col">{t("slots.hoursCol")}</th>
              <th scope="col" class="num">
                {t("slots.existing")}
              </th>
              <th scope="col" class="num">
                {t("slots.after")}
              </th>
              <th scope="col" class="num">
                {t("slots.new")}
              </th>
            </tr>
          </thead>
          <tbody>
            {companies?.map((c) => (
              <tr key={c.id}>
                <th scope="row">
                  <label class="check">
                    <input type="checkbox" checked={chosen.has(c.id)} onChange={() => toggle(c.id)} />
                    {c.name}
                  </label>
                </th>
                <td class="nowrap small">{row(c.id) ? `${row(c.id)!.dayStart}–${row(c.id)!.dayEnd}` : c.dayStart && c.dayEnd ? `${c.dayStart}–${c.dayEnd}` : "—"}</td>
                <td class="num">{c.slots}</td>
                <td class="num">{chosen.has(c.id) ? (row(c.id)?.slots ?? "…") : "—"}</td>
                <td class="num">{chosen.has(c.id) ? (row(c.id) ? `+${row(c.id)!.created}${row(c.id)!.removed ? ` / −${row(c.id)!.removed}` : ""}` : "…") : "—"}</td>
              </tr>
            ))}
          </tbody>
        </table>
        </div>
        <div class="actions">
          <button type="button" class="btn btn-primary" disabled={!chosen.size || busy !== null || !preview} onClick={() => setAsking(true)}>
            {busy === "generate" && <Spinner />}
            {t("slots.generate", { n: chosen.size })}
          </button>
        </div>
      </section>
      <Confirm open={asking} title={t("slots.confirmTitle")} confirm={t("slots.confirm")} busy={busy === "generate"} onConfirm={() => void generate().finally(() => setAsking(false))} onClose={() => setAsking(false)}>
        <p>{preview ? t("slots.summary", { per: preview.perCompanySlots, created: preview.created, removed: preview.removed, kept: preview.keptBooked }) : ""}</p>
      </Confirm>
    </main>
  );
}
