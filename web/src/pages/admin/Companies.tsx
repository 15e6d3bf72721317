// Company verification for the active event (the ones awaiting verification come first), recruiter
// invitations, the merge of a duplicate and a withdrawal (lib/use-admin-companies.ts, lib/use-company-admin.ts).
import { useState } from "preact/hooks";
import type { AdminCompany } from "../../../../worker/domain/contract.ts";
import { ReasonDialog } from "../../components/ReasonDialog.tsx";
import { Alert, Confirm, Empty, Field, Spinner, errorText, usePageTitle } from "../../components/ui.tsx";
import { dateTime } from "../../lib/format.ts";
import { useT } from "../../lib/i18n.ts";
import { useAdminCompanies } from "../../lib/use-admin-companies.ts";
import { useCompanyAdmin } from "../../lib/use-company-admin.ts";

export function Companies() {
  const t = useT();
  usePageTitle(t("companies.title"));
  const { list, error, setError, reload, verify: setVerified, withdraw: withdrawCompany } = useAdminCompanies();
  const [busy, setBusy] = useState<string | null>(null);
  const [msg, setMsg] = useState<string | null>(null);
  const [withdrawing, setWithdrawing] = useState<AdminCompany | null>(null);
  const admin = useCompanyAdmin(reload);
  const [inviteEmail, setInviteEmail] = useState("");
  const [into, setInto] = useState("");

  const verify = async (c: AdminCompany, verified: boolean) => {
    setBusy(c.id);
    try {
      await setVerified(c, verified);
      setMsg(verified ? t("companies.verifiedMsg", { name: c.name }) : t("companies.unverifiedMsg", { name: c.name }));
    } catch (e) {
      setError(e);
    } finally {
      setBusy(null);
    }
  };
  const withdraw = async (reason: string) => {
    const c = withdrawing;
    if (!c) return;
    setBusy(c.id);
    try {
      const cancelled = await withdrawCompany(c, reason);
      setMsg(t("companies.withdrawnMsg", { name: c.name, n: cancelled }));
      setWithdrawing(null);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(null);
    }
  };
  const sorted = [...(list ?? [])].sort((a, b) => Number(a.verified) - Number(b.verified) || a.name.localeCompare(b.name));
  const waiting = list?.filter((c) => !c.verified).length ?? 0;
  return (
    <main id="main" class="page">
      <div class="page-head">
        <div>
          <h1>{t("companies.title")}</h1>
          <p class="muted">{list ? t("companies.lead", { n: list.length, waiting }) : "\u00a0"}</p>
        </div>
      </div>
      {error ? <Alert>{errorText(error)}</Alert> : null}
      <div aria-live="polite">{msg && <Alert kind="success">{msg}</Alert>}</div>
      {list?.length === 0 && <Empty title={t("companies.none")} />}
      <ul class="company-list">
        {!list && Array.from({ length: 5 }, (_, i) => <li key={i} class="card skeleton-card" style={{ height: "4.5rem" }} />)}
        {sorted.map((c) => (
          <li key={c.id} class={`card company-row${c.verified ? "" : " awaiting"}`}>
            <div class="company-main">
              <strong>{c.name}</strong>
              {c.withdrawnAt ? (
                <span class="pill pill-plain" title={c.withdrawReason ?? undefined}>
                  {t("companies.withdrawn")}
                </span>
              ) : (
                <span class={`pill ${c.verified ? "pill-ok" : "pill-warn"}`}>{c.verified ? t("companies.verified") : t("companies.awaiting")}</span>
              )}
              <p class="muted small">
                {c.recruiters.map((r) => `${r.fullName} <${r.email}>`).join(", ") || t("companies.noRecruiter")} · {t("companies.counts", { offers: c.offers, slots: c.slots })}
                {c.verifiedAt ? ` · ${t("companies.since", { when: dateTime(c.verifiedAt) })}` : ""}
                {c.booth ? ` · ${c.booth}` : ""}
                {c.dayStart && c.dayEnd ? ` · ${t("companies.hours", { start: c.dayStart, end: c.dayEnd })}` : ""}
                {c.withdrawnAt && c.withdrawReason ? ` · ${t("companies.withdrawnWhy", { reason: c.withdrawReason })}` : ""}
              </p>
            </div>
            <div class="row-actions">
            <button type="button" class="btn btn-small btn-ghost" onClick={() => admin.open({ kind: "invite", id: c.id, name: c.name })}>
              {t("companies.invite")}
            </button>
            {c.slots === 0 && (list?.length ?? 0) > 1 && (
              <button type="button" class="btn btn-small btn-ghost" onClick={() => { setInto(""); admin.open({ kind: "merge", id: c.id, name: c.name }); }}>
                {t("companies.merge")}
              </button>
            )}
            <button type="button" class={`btn btn-small ${c.verified ? "btn-ghost" : "btn-primary"}`} disabled={busy !== null} onClick={() => void verify(c, !c.verified)} aria-label={`${c.verified ? t("companies.unverify") : t("companies.verify")} ${c.name}`}>
              {busy === c.id && <Spinner />}
              {c.verified ? t("companies.unverify") : t("companies.verify")}
            </button>
            {c.verified && (
              <button type="button" class="btn btn-small btn-ghost" disabled={busy !== null} onClick={() => setWithdrawing(c)} aria-label={`${t("companies.withdraw")} ${c.name}`}>
                {t("companies.withdraw")}
              </button>
            )}
            </div>
          </li>
        ))}
      </ul>
      <ReasonDialog open={withdrawing !== null} title={t("companies.withdrawTitle", { name: withdrawing?.name ?? "" })} confirm={t("companies.withdraw")} busy={busy !== null} onConfirm={(r) => void withdraw(r)} onClose={() => setWithdrawing(null)}>
        <p>{t("companies.withdrawBody", { n: withdrawing?.slots ?? 0 })}</p>
      </ReasonDialog>
      <Confirm
        open={admin.dialog?.kind === "invite"}
        title={`${t("companies.invite")} — ${admin.dialog?.name ?? ""}`}
        confirm={t("companies.inviteButton")}
        busy={admin.busy}
        onClose={() => admin.open(null)}
        onConfirm={async () => {
          const inv = admin.dialog && (await admin.invite(admin.dialog.id, inviteEmail.trim()));
          if (inv) {
            setMsg(t("companies.invited", { email: inv.email }));
            setInviteEmail("");
          }
        }}
      >
        <Field id="invite-email" label={t("companies.inviteEmail")}>
          <input id="invite-email" type="email" value={inviteEmail} onInput={(e) => setInviteEmail(e.currentTarget.value)} />
        </Field>
        {admin.error !== null && <Alert>{errorText(admin.error)}</Alert>}
      </Confirm>
      <Confirm
        open={admin.dialog?.kind === "merge"}
        title={t("companies.mergeTitle", { name: admin.dialog?.name ?? "" })}
        confirm={t("companies.mergeButton")}
        danger
        busy={admin.busy}
        onClose={() => admin.open(null)}
        onConfirm={async () => {
          const d = admin.dialog;
          const kept = d && into ? await admin.merge(d.id, into) : null;
          if (d && kept) setMsg(t("companies.merged", { name: d.name, into: kept.name }));
        }}
      >
        <p>{t("companies.mergeBody", { name: admin.dialog?.name ?? "" })}</p>
        <Field id="merge-into" label={t("companies.mergeInto")}>
          <select id="merge-into" value={into} onChange={(e) => setInto(e.currentTarget.value)}>
            <option value="" />
            {sorted.filter((c) => c.id !== admin.dialog?.id).map((c) => (
              <option key={c.id} value={c.id}>
                {c.name}
              </option>
            ))}
          </select>
        </Field>
        {admin.error !== null && <Alert>{errorText(admin.error)}</Alert>}
      </Confirm>
    </main>
  );
}
