// Slot generation: a dry run shows how many slots each company gets, then one click creates them.
import { useEffect, useState } from "preact/hooks";
import { Alert, Confirm, Spinner, errorText, usePageTitle } from "../../components/ui.tsx";
import { api } from "../../lib/api.ts";
import { useT } from "../../lib/i18n.ts";
import type { AdminCompany } from "../../../../worker/domain/contract.ts";
import { loadAdminCompanies } from "./Companies.tsx";

interface Report {
  dryRun: boolean;
  perCompanySlots: number;
  created: number;
  removed: number;
  reshaped: number;
  keptBooked: number;
  skipped: number;
  companies: { companyId: string; name: string; dayStart: string; dayEnd: string; slots: number; created: number; removed: number; reshaped: number; keptBooked: number; skipped: number }[];
}

export function Slots() {
  const t = useT();
  usePageTitle(t("slots.title"));
  const [companies, setCompanies] = useState<AdminCompany[] | null>(null);
  const [chosen, setChosen] = useState<Set<string>>(new Set());
  const [preview, setPreview] = useState<Report | null>(null);
  const [done, setDone] = useState<Report | null>(null);
  const [busy, setBusy] = useState<"preview" | "generate" | null>(null);
  const [asking, setAsking] = useState(false);
  const [error, setError] = useState<unknown>(null);
  /** Own hours for the selected companies: unset (keep theirs), the event's, or a custom day. */
  const [hours, setHours] = useState<{ dayStart: string; dayEnd: string } | null | undefined>(undefined);

  useEffect(() => {
    loadAdminCompanies()
      .then((list) => {
        const verified = list.filter((c) => c.verified);
        setCompanies(verified);
        setChosen(new Set(verified.map((c) => c.id)));
      })
      .catch(setError);
  }, []);
  const run = async (dryRun: boolean) => {
    setBusy(dryRun ? "preview" : "generate");
    setError(null);
    try {
      const r = await api<Report>("POST", "/admin/slots/generate", { companyIds: [...chosen], dryRun, ...(hours !== undefined ? { hours } : {}) });
      if (dryRun) setPreview(r);
      else {
        setDone(r);
        setPreview(null);
        setCompanies(await loadAdminCompanies().then((l) => l.filter((c) => c.verified)));
      }
    } catch (e) {
      setError(e);
    } finally {
      setBusy(null);
      setAsking(false);
    }
  };
  useEffect(() => {
    if (companies && chosen.size) void run(true);
    else setPreview(null);
  }, [chosen, companies === null, JSON.stringify(hours)]);

  const toggle = (id: string) => {
    const next = new Set(chosen);
    if (next.has(id)) next.delete(id);
    else next.add(id);
    setChosen(next);
    setDone(null);
  };
  const row = (id: string) => preview?.companies.find((c) => c.companyId === id);
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
            <button type="button" class="link-button" onClick={() => setChosen(new Set(companies?.map((c) => c.id) ?? []))}>
              {t("slots.all")}
            </button>
            <button type="button" class="link-button" onClick={() => setChosen(new Set())}>
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
      <Confirm open={asking} title={t("slots.confirmTitle")} confirm={t("slots.confirm")} busy={busy === "generate"} onConfirm={() => void run(false)} onClose={() => setAsking(false)}>
        <p>{preview ? t("slots.summary", { per: preview.perCompanySlots, created: preview.created, removed: preview.removed, kept: preview.keptBooked }) : ""}</p>
      </Confirm>
    </main>
  );
}
