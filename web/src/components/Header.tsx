import { useLocation } from "preact-iso";
import { setLang, useT, lang } from "../lib/i18n.ts";
import { logout, session } from "../lib/session.ts";
import { useStore } from "../lib/store.ts";

export function Header() {
  const t = useT();
  const user = useStore(session);
  const { path, route } = useLocation();
  const l = useStore(lang);
  const link = (href: string, label: string, exact = false, also?: string) => {
    // The catalogue's company pages belong to "Offers"; `also` is another page of the same tab.
    const active = (exact ? path === href || (href === "/" && path.startsWith("/companies/")) : path === href || path.startsWith(`${href}/`)) || path === also;
    return (
      <a href={href} class={active ? "active" : undefined} aria-current={active ? "page" : undefined}>
        {label}
      </a>
    );
  };
  const links =
    user?.role === "admin"
      ? [link("/admin", t("nav.monitor"), true), link("/admin/desk", t("nav.desk")), link("/admin/event", t("nav.config")), link("/admin/companies", t("nav.companies")), link("/admin/accounts", t("nav.accounts")), link("/admin/slots", t("nav.slots")), link("/admin/deprioritized", t("nav.deprioritized")), link("/admin/fairness", t("nav.fairness")), link("/admin/audit", t("nav.audit"))]
      : user?.role === "company"
        ? [link("/recruiter", t("nav.dashboard"), true), link("/recruiter/checkin", t("nav.checkin")), link("/recruiter/company", t("nav.myCompany"))]
        : [link("/", t("nav.offers"), true), ...(user ? [link("/schedule", t("nav.schedule")), link("/wishes", t("nav.wishes"), false, "/draw"), link("/profile", t("nav.profile"))] : [])];
  return (
    <header class="site-header">
      <a class="skip" href="#main">
        {t("nav.skip")}
      </a>
      <div class="bar">
        <a href={user?.role === "admin" ? "/admin" : user?.role === "company" ? "/recruiter" : "/"} class="brand">
          <span class="logo" aria-hidden="true">
            INF
          </span>
          <span class="brand-text">{t("brand")}</span>
        </a>
        <div class="bar-end">
          <button type="button" class="btn btn-ghost btn-small lang" onClick={() => setLang(l === "fr" ? "en" : "fr")} aria-label={t("nav.langLabel")}>
            {l === "fr" ? "EN" : "FR"}
          </button>
          {user ? (
            <button
              type="button"
              class="btn btn-ghost btn-small"
              onClick={async () => {
                await logout();
                route("/login");
              }}
            >
              {t("nav.logout")}
            </button>
          ) : (
            <>
              <a class="btn btn-ghost btn-small" href="/login">
                {t("nav.login")}
              </a>
              <a class="btn btn-primary btn-small hide-xs" href="/signup">
                {t("nav.signup")}
              </a>
            </>
          )}
        </div>
      </div>
      <nav class="tabs" aria-label={t("nav.main")}>
        {links}
      </nav>
    </header>
  );
}
