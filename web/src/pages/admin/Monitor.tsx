// Live monitoring: fill rate, bookings per minute, attempts by refusal code, p95, live
// connections, updated through the live channel (lib/use-monitor.ts), not a 5 s poll; then the
// alerts (AlertsPanel.tsx).
import { Alert, errorText, usePageTitle } from "../../components/ui.tsx";
import { LiveBadge } from "../../components/LiveBadge.tsx";
import { downloadFrom } from "../../lib/api.ts";
import { time } from "../../lib/format.ts";
import { useT } from "../../lib/i18n.ts";
import { codeLabel } from "../../lib/labels.ts";
import { useMonitor } from "../../lib/use-monitor.ts";
import { Icon } from "../../components/Icon.tsx";
import { AlertsPanel } from "./AlertsPanel.tsx";

export function Monitor() {
  const t = useT();
  usePageTitle(t("monitor.title"));
  const { data, error, live } = useMonitor();
  const m = data?.metrics;
  const peak = Math.max(1, ...(m?.perMinute.map((p) => p.attempts) ?? [1]));
  const codes = Object.entries(m?.attempts.byCode ?? {}).sort((a, b) => b[1] - a[1]);
  const phase = data?.event.currentPhase;
  return (
    <main id="main" class="page">
      <div class="page-head">
        <div>
          <h1>{t("monitor.title")}</h1>
          <p class="muted">
            {data ? (
              <>
                {data.event.name} · {data.event.bookingOpen ? (phase ? t("phase.open", { n: phase }) : t("phase.notOpen")) : t("phase.killed")} · {t("monitor.updated", { time: time(data.metrics.generatedAt) })}
              </>
            ) : (
              "\u00a0"
            )}
          </p>
        </div>
        <div class="actions">
          <button type="button" class="btn" onClick={() => void downloadFrom("/admin/export/bookings.csv", "bookings.csv")}>
            <Icon name="download" /> {t("monitor.export")}
          </button>
        </div>
      </div>
      {error ? <Alert>{errorText(error)}</Alert> : null}
      <p class="monitor-live">
        <LiveBadge />
        {live && <span class="muted small">{t("monitor.connections", { n: live.sockets, max: live.ceiling })}</span>}
      </p>
      <div class="stats stats-4">
        <Stat value={m ? `${Math.round(m.fillRate * 100)} %` : "–"} label={t("monitor.fill", { taken: m?.slots.taken ?? 0, seats: m?.slots.seats ?? 0 })} meter={m?.fillRate} />
        <Stat value={m ? String(m.bookings.confirmed) : "–"} label={t("monitor.confirmed", { n: m?.bookings.cancelled ?? 0 })} />
        <Stat value={m ? `${m.students.withBooking}/${m.students.ofEvent}` : "–"} label={t("monitor.students")} />
        <Stat value={m?.responseTimeMs.p95 != null ? `${m.responseTimeMs.p95} ms` : "–"} label={t("monitor.p95", { p50: m?.responseTimeMs.p50 ?? "–" })} />
      </div>
      <div class="stats stats-4">
        <Stat value={m ? `${Math.round(m.attendance.attendanceRate * 100)} %` : "–"} label={t("monitor.attendance", { present: m?.attendance.present ?? 0, late: m?.attendance.late ?? 0 })} meter={m?.attendance.attendanceRate} />
        <Stat value={m ? `${Math.round(m.attendance.noShowRate * 100)} %` : "–"} label={t("monitor.noShows", { n: m?.attendance.noShow ?? 0, unmarked: m?.attendance.unmarked ?? 0 })} />
        <Stat value={m ? String(m.cancellations.late) : "–"} label={t("monitor.lateCancellations", { n: m?.cancellations.total ?? 0 })} />
        <Stat value={m ? m.interviewsPerStudent.mean.toFixed(1) : "–"} label={t("monitor.perStudent")} />
      </div>
      <div class="two-col">
        <section class="card" aria-labelledby="pm-title">
          <h2 id="pm-title">{t("monitor.perMinute")}</h2>
          {m && m.perMinute.length === 0 ? (
            <p class="muted">{t("monitor.quiet")}</p>
          ) : (
            <div class="bars" role="img" aria-label={t("monitor.perMinute")}>
              {(m?.perMinute.slice(-30) ?? []).map((p) => (
                <div key={p.minute} class="chart-bar" title={`${time(`${p.minute}:00Z`)} · ${p.bookings} / ${p.attempts}`}>
                  <span class="bar-attempts" style={{ height: `${(100 * p.attempts) / peak}%` }} />
                  <span class="bar-bookings" style={{ height: `${(100 * p.bookings) / peak}%` }} />
                </div>
              ))}
            </div>
          )}
          <p class="legend small">
            <span class="key key-bookings" /> {t("monitor.legendBookings")} <span class="key key-attempts" /> {t("monitor.legendAttempts")}
          </p>
        </section>
        <section class="card" aria-labelledby="codes-title">
          <h2 id="codes-title">{t("monitor.byCode")}</h2>
          {codes.length === 0 ? (
            <p class="muted">{t("monitor.quiet")}</p>
          ) : (
            <table class="table">
              <tbody>
                {codes.map(([code, n]) => (
                  <tr key={code}>
                    <th scope="row">{codeLabel(code)}</th>
                    <td class="num">{n}</td>
                    <td class="share">
                      <span class="meter">
                        <span class={code === "ok" ? "ok" : undefined} style={{ width: `${(100 * n) / (m?.attempts.total || 1)}%` }} />
                      </span>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </section>
      </div>
      <section class="card" aria-labelledby="fill-title">
        <h2 id="fill-title">{t("monitor.fillByCompany")}</h2>
        {m && m.fillByCompany.length === 0 ? (
          <p class="muted">{t("monitor.quiet")}</p>
        ) : (
          <div class="scroll-x">
            <table class="table">
              <thead>
                <tr>
                  <th scope="col">{t("slots.company")}</th>
                  <th scope="col" class="num">
                    {t("monitor.slots")}
                  </th>
                  <th scope="col" class="num">
                    {t("monitor.seatsTaken")}
                  </th>
                  <th scope="col" class="share">
                    <span class="visually-hidden">{t("recruiter.fill")}</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {m?.fillByCompany.map((c) => (
                  <tr key={c.companyId}>
                    <th scope="row">{c.name}</th>
                    <td class="num">{c.slots}</td>
                    <td class="num">
                      {c.taken}/{c.seats}
                    </td>
                    <td class="share">
                      <span class="meter" title={`${Math.round(c.fillRate * 100)} %`}>
                        <span style={{ width: `${c.fillRate * 100}%` }} />
                      </span>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
      <AlertsPanel />
    </main>
  );
}

function Stat({ value, label, meter }: { value: string; label: string; meter?: number | undefined }) {
  return (
    <div class="stat card">
      <span class="stat-value">{value}</span>
      <span class="stat-label">{label}</span>
      {meter !== undefined && (
        <span class="meter" aria-hidden="true">
          <span style={{ width: `${meter * 100}%` }} />
        </span>
      )}
    </div>
  );
}
