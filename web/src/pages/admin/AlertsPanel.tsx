// The monitor's alerting: each watched figure against its threshold, the alerts still open (and
// whether the webhook was told), the latest ones, and the settings. Data: lib/use-alerts.ts.
import { ALERT_KINDS, type AlertKind, type AlertRecord, type AlertsResponse } from "../../../../worker/domain/contract.ts";
import { formatFigure } from "../../../../worker/domain/alerts.ts";
import { Alert, errorText } from "../../components/ui.tsx";
import { dateTime, time } from "../../lib/format.ts";
import { t, useT, type Key } from "../../lib/i18n.ts";
import { useAlerts } from "../../lib/use-alerts.ts";
import { AlertSettingsForm } from "./AlertSettingsForm.tsx";

const current = (d: AlertsResponse, k: AlertKind) => (k === "error_rate" ? d.figures.errorRate : k === "booking_p95" ? d.figures.bookingP95Ms : d.figures.backlog);
const threshold = (d: AlertsResponse, k: AlertKind) => (k === "error_rate" ? d.settings.maxErrorRate : k === "booking_p95" ? d.settings.maxBookingP95Ms : d.settings.maxBacklog);
const kindLabel = (k: AlertKind) => t(`alerts.kind.${k}` as Key);

/** The webhook's fate, from the check's codes (worker/lib/alert-check.ts). */
function notice(a: AlertRecord): string {
  if (a.notifiedAt) return t("alerts.notified");
  if (!a.notifyError) return "";
  const status = /^status_(\d+)$/.exec(a.notifyError)?.[1];
  const why = status ? t("alerts.err.status", { status }) : a.notifyError === "unreachable" ? t("alerts.err.unreachable") : t("alerts.err.no_webhook");
  return t("alerts.notifyFailed", { error: why });
}

function FigureRow({ data, kind, firing }: { data: AlertsResponse | null; kind: AlertKind; firing: boolean }) {
  const v = data ? current(data, kind) : null;
  const state = firing ? ["pill-danger", t("alerts.firing")] : v === null ? ["pill-plain", kind === "backlog" ? t("alerts.unknown") : t("alerts.noData")] : ["pill-ok", t("alerts.ok")];
  return (
    <li>
      <span class="figure-name">{kindLabel(kind)}</span> <span class={`pill ${state[0]}`}>{state[1]}</span>
      <span class="figure-values muted small">{t("alerts.value", { value: data && v !== null ? formatFigure(kind, v) : "–", threshold: data ? formatFigure(kind, threshold(data, kind)) : "–" })}</span>
    </li>
  );
}

export function AlertsPanel() {
  useT();
  const { data, error, save, sendTest } = useAlerts();
  const open = data?.alerts.filter((a) => a.resolvedAt === null) ?? [];
  return (
    <section aria-labelledby="alerts-title">
      <h2 id="alerts-title" class="section-title">{t("monitor.alerts")}</h2>
      {error ? <Alert>{errorText(error)}</Alert> : null}
      {open.map((a) => (
        <Alert key={a.id}>
          {t("alerts.openSince", { what: kindLabel(a.kind), time: time(a.openedAt) })} {formatFigure(a.kind, a.value)} · {notice(a)}
        </Alert>
      ))}
      <div class="two-col">
        <section class="card" aria-labelledby="alerts-now">
          <h3 id="alerts-now">{t("alerts.now")}</h3>
          <p class="muted small">{t("alerts.intro", { n: data?.settings.windowMinutes ?? 5 })}</p>
          <ul class="figure-list">
            {ALERT_KINDS.map((k) => (
              <FigureRow key={k} data={data} kind={k} firing={open.some((a) => a.kind === k)} />
            ))}
          </ul>
          <h3>{t("alerts.history")}</h3>
          {data && data.alerts.length === 0 ? (
            <p class="muted">{t("alerts.none")}</p>
          ) : (
            <ul class="figure-list">
              {data?.alerts.map((a) => (
                <li key={a.id}>
                  <span class="figure-name">{kindLabel(a.kind)}</span> {formatFigure(a.kind, a.value)}
                  <span class="figure-values muted small">
                    {t("alerts.opened")} {dateTime(a.openedAt)} · {a.resolvedAt ? `${t("alerts.cleared")} ${time(a.resolvedAt)}` : t("alerts.stillOpen")}
                    {notice(a) ? ` · ${notice(a)}` : ""}
                  </span>
                </li>
              ))}
            </ul>
          )}
        </section>
        {data ? <AlertSettingsForm settings={data.settings} save={save} sendTest={sendTest} /> : <section class="card" aria-busy="true" />}
      </div>
    </section>
  );
}
