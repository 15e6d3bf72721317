// Where alerts go and when they fire (alert_settings in D1): the webhook, the thresholds, the
// window; the 5xx rate is edited in percent. A test button sends one message now.
import { useEffect, useState } from "preact/hooks";
import type { AlertSettings } from "../../../../worker/domain/contract.ts";
import { Alert, Field, Spinner, errorText } from "../../components/ui.tsx";
import { fieldMessages } from "../../lib/api.ts";
import { useT, type Key } from "../../lib/i18n.ts";
import type { AlertSettingsPatch } from "../../lib/use-alerts.ts";

const NUMBERS = ["maxErrorRate", "maxBookingP95Ms", "maxBacklog", "windowMinutes", "minRequests"] as const;
type Form = Record<(typeof NUMBERS)[number] | "webhookUrl", string>;

const toForm = (s: AlertSettings): Form => ({
  webhookUrl: s.webhookUrl ?? "",
  maxErrorRate: String(Math.round(s.maxErrorRate * 1000) / 10),
  maxBookingP95Ms: String(s.maxBookingP95Ms),
  maxBacklog: String(s.maxBacklog),
  windowMinutes: String(s.windowMinutes),
  minRequests: String(s.minRequests),
});

function patchOf(f: Form): AlertSettingsPatch {
  const n = (k: (typeof NUMBERS)[number]) => (f[k].trim() === "" ? NaN : Number(f[k]));
  return { webhookUrl: f.webhookUrl.trim() || null, maxErrorRate: n("maxErrorRate") / 100, maxBookingP95Ms: n("maxBookingP95Ms"), maxBacklog: n("maxBacklog"), windowMinutes: n("windowMinutes"), minRequests: n("minRequests") };
}

export function AlertSettingsForm(props: { settings: AlertSettings; save: (p: AlertSettingsPatch) => Promise<AlertSettings>; sendTest: () => Promise<{ sent: boolean; error: string | null }> }) {
  const t = useT();
  const [f, setF] = useState<Form>(() => toForm(props.settings));
  const [busy, setBusy] = useState<"save" | "test" | null>(null);
  const [fields, setFields] = useState<Record<string, string>>({});
  const [msg, setMsg] = useState<{ kind: "success" | "error"; text: string } | null>(null);
  useEffect(() => setF(toForm(props.settings)), [props.settings.updatedAt]);

  const run = async (what: "save" | "test", action: () => Promise<void>) => {
    setBusy(what);
    setMsg(null);
    setFields({});
    try {
      await action();
    } catch (err) {
      const fm = fieldMessages(err);
      setFields(fm);
      setMsg({ kind: "error", text: Object.keys(fm).length ? t("config.fix") : errorText(err) });
    } finally {
      setBusy(null);
    }
  };
  const save = (e: Event) => {
    e.preventDefault();
    void run("save", async () => {
      setF(toForm(await props.save(patchOf(f))));
      setMsg({ kind: "success", text: t("alerts.saved") });
    });
  };
  const test = () =>
    void run("test", async () => {
      const r = await props.sendTest();
      setMsg(r.sent ? { kind: "success", text: t("alerts.testSent") } : { kind: "error", text: t("alerts.testFailed", { error: r.error ?? "" }) });
    });
  const input = (k: keyof Form, attrs: Record<string, string | number>) => (
    <Field id={`alert-${k}`} label={t(`alerts.${k}` as Key)} error={fields[k]} {...(k === "webhookUrl" ? { hint: t("alerts.webhookHint") } : {})}>
      <input id={`alert-${k}`} {...attrs} value={f[k]} onInput={(e) => setF({ ...f, [k]: e.currentTarget.value })} aria-invalid={!!fields[k]} />
    </Field>
  );
  return (
    <form class="card" onSubmit={save} noValidate aria-labelledby="alert-settings-title">
      <h3 id="alert-settings-title">{t("alerts.settings")}</h3>
      {input("webhookUrl", { type: "url", placeholder: "https://hooks.slack.com/services/…", autocomplete: "off" })}
      <div class="grid-2">
        {input("maxErrorRate", { type: "number", min: 0.1, max: 100, step: 0.1 })}
        {input("maxBookingP95Ms", { type: "number", min: 10, step: 10 })}
        {input("maxBacklog", { type: "number", min: 1 })}
        {input("windowMinutes", { type: "number", min: 1, max: 60 })}
        {input("minRequests", { type: "number", min: 1 })}
      </div>
      <div aria-live="polite">{msg && <Alert kind={msg.kind}>{msg.text}</Alert>}</div>
      <div class="actions">
        <button class="btn btn-primary" disabled={busy !== null}>
          {busy === "save" && <Spinner />}
          {t("alerts.save")}
        </button>
        <button type="button" class="btn" disabled={busy !== null || !props.settings.webhookUrl} onClick={test}>
          {busy === "test" && <Spinner />}
          {t("alerts.test")}
        </button>
      </div>
    </form>
  );
}
