// Account care: find an account, disable or enable it, resend its verification, send a reset link.
import { Alert, Empty, Spinner, errorText, usePageTitle } from "../../components/ui.tsx";
import { dateTime } from "../../lib/format.ts";
import { useT } from "../../lib/i18n.ts";
import { useAdminAccounts } from "../../lib/use-admin-accounts.ts";

export function Accounts() {
  const t = useT();
  usePageTitle(t("accounts.title"));
  const a = useAdminAccounts();
  return (
    <main id="main" class="page">
      <div class="page-head">
        <div>
          <h1>{t("accounts.title")}</h1>
          <p class="muted">{t("accounts.lead")}</p>
        </div>
      </div>
      <form
        class="card search-row"
        onSubmit={(e) => {
          e.preventDefault();
          void a.search();
        }}
      >
        <label for="acct-q">{t("accounts.search")}</label>
        <input id="acct-q" type="search" value={a.q} onInput={(e) => a.setQ(e.currentTarget.value)} placeholder="student1@" />
        <button class="btn btn-primary">{t("accounts.searchButton")}</button>
      </form>
      <div aria-live="polite">
        {a.done && <Alert kind="success">{t("accounts.done", { email: a.done })}</Alert>}
        {a.error !== null && <Alert>{errorText(a.error)}</Alert>}
      </div>
      {a.users?.length === 0 && <Empty title={t("accounts.none")} />}
      <ul class="company-list">
        {a.users?.map((u) => (
          <li key={u.id} class="card company-row">
            <div class="company-main">
              <strong>{u.email}</strong>
              <span class="pill">{t(u.role === "student" ? "auth.student" : u.role === "company" ? "auth.recruiter" : "accounts.admin")}</span>
              {!u.emailVerified && <span class="pill pill-warn">{t("accounts.unverified")}</span>}
              {u.disabled && <span class="pill pill-warn">{t("accounts.disabled")}</span>}
              <p class="muted small">
                {u.fullName} · {dateTime(u.createdAt)}
              </p>
            </div>
            {u.role !== "admin" && (
              <div class="row-actions">
                {a.busy === u.id && <Spinner />}
                {!u.emailVerified && (
                  <button type="button" class="btn btn-small" disabled={a.busy !== null} onClick={() => void a.act(u, "resend")}>
                    {t("accounts.resend")}
                  </button>
                )}
                {!u.disabled && (
                  <button type="button" class="btn btn-small" disabled={a.busy !== null} onClick={() => void a.act(u, "reset")}>
                    {t("accounts.reset")}
                  </button>
                )}
                <button type="button" class={`btn btn-small ${u.disabled ? "btn-primary" : "btn-ghost"}`} disabled={a.busy !== null} onClick={() => void a.act(u, u.disabled ? "enable" : "disable")}>
                  {u.disabled ? t("accounts.enable") : t("accounts.disable")}
                </button>
              </div>
            )}
          </li>
        ))}
      </ul>
    </main>
  );
}
