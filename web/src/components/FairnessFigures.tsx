// The fairness page's figures (issue #13): the draw's (or a dry run's) beside first come, first
// served: the measures, the spread of interviews per student, the fill per company.
import type { FairnessStats } from "../../../worker/domain/contract.ts";
import { type Key, useT } from "../lib/i18n.ts";

const pct = (x: number | null) => (x === null ? "—" : `${Math.round(x * 100)} %`);

export function StatsTable({ draw, dry, fcfs }: { draw: FairnessStats | null; dry: boolean; fcfs: FairnessStats }) {
  const t = useT();
  const rows: [Key, (s: FairnessStats) => string][] = [
    ["fair.students", (s) => String(s.students)],
    ["fair.wished", (s) => String(s.wished)],
    ["fair.withOne", (s) => String(s.withInterview)],
    ["fair.maxWithOne", (s) => (s.maxWithInterview === null ? t("fair.none") : String(s.maxWithInterview))],
    ["fair.interviews", (s) => String(s.interviews)],
    ["fair.firstChoice", (s) => pct(s.firstChoiceRate)],
    ["fair.gini", (s) => s.gini.toFixed(2)],
  ];
  return (
    <div class="table-wrap">
      <table class="table fair-table">
        <thead>
          <tr>
            <th scope="col">{t("fair.metric")}</th>
            <th scope="col" class="num">
              {t(dry ? "fair.dry" : "fair.draw")}
            </th>
            <th scope="col" class="num">
              {t("fair.fcfs")}
            </th>
          </tr>
        </thead>
        <tbody>
          {rows.map(([k, f]) => (
            <tr key={k}>
              <th scope="row">{t(k)}</th>
              <td class="num">{draw ? f(draw) : t("fair.none")}</td>
              <td class="num">{f(fcfs)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function Distribution({ draw, fcfs }: { draw: FairnessStats | null; fcfs: FairnessStats }) {
  const t = useT();
  const ks = Math.max(draw?.distribution.length ?? 0, fcfs.distribution.length);
  const share = (s: FairnessStats | null, k: number) => (s && s.students ? (s.distribution[k] ?? 0) / s.students : 0);
  if (ks === 0) return null;
  return (
    <figure class="dist">
      <figcaption class="small">
        {t("fair.distribution")} <span class="key key-bookings" /> {t("fair.draw")} <span class="key key-attempts" /> {t("fair.fcfs")}
      </figcaption>
      {Array.from({ length: ks }, (_, k) => (
        <div key={k} class="dist-row">
          <span class="dist-k">{t("fair.distributionKey", { k })}</span>
          <span class="dist-bars">
            <span class="dist-bar dist-draw" style={{ width: `${share(draw, k) * 100}%` }} title={`${draw?.distribution[k] ?? 0}`} />
            <span class="dist-bar dist-fcfs" style={{ width: `${share(fcfs, k) * 100}%` }} title={`${fcfs.distribution[k] ?? 0}`} />
          </span>
          <span class="dist-n small">
            {draw ? (draw.distribution[k] ?? 0) : "—"} · {fcfs.distribution[k] ?? 0}
          </span>
        </div>
      ))}
    </figure>
  );
}

export function PerCompany({ draw, fcfs, names }: { draw: FairnessStats | null; fcfs: FairnessStats; names: Map<string, string> }) {
  const t = useT();
  const ids = [...new Set([...(draw?.perCompany ?? []).map((c) => c.companyId), ...fcfs.perCompany.map((c) => c.companyId)])].filter((id) => names.has(id));
  ids.sort((a, b) => names.get(a)!.localeCompare(names.get(b)!));
  const cell = (s: FairnessStats | null, id: string) => {
    const c = s?.perCompany.find((x) => x.companyId === id);
    return c ? `${c.seats} · ${c.taken}` : "—";
  };
  return (
    <details class="per-company">
      <summary>{t("fair.perCompany")}</summary>
      <div class="table-wrap">
        <table class="table">
          <thead>
            <tr>
              <th scope="col">{t("fair.company")}</th>
              <th scope="col" class="num">
                {t("fair.seatsDraw")}
              </th>
              <th scope="col" class="num">
                {t("fair.seatsFcfs")}
              </th>
            </tr>
          </thead>
          <tbody>
            {ids.map((id) => (
              <tr key={id}>
                <th scope="row">{names.get(id)}</th>
                <td class="num">{cell(draw, id)}</td>
                <td class="num">{cell(fcfs, id)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </details>
  );
}
