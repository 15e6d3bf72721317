// Log in and sign up (students, or recruiters creating their company). Signup ends on "check your
// inbox" whether or not the address was known: the mail says which (no enumeration).
import { useState } from "preact/hooks";
import { useLocation } from "preact-iso";
import { Alert, Field, Spinner, errorText, usePageTitle } from "../components/ui.tsx";
import { ApiFailure, fieldMessages } from "../lib/api.ts";
import { lang, useT } from "../lib/i18n.ts";
import { homeOf, login, signup } from "../lib/session.ts";

const safeNext = (next: string | undefined) => (next && next.startsWith("/") && !next.startsWith("//") ? next : null);

export function Login() {
  const t = useT();
  usePageTitle(t("auth.loginTitle"));
  const { route, query } = useLocation();
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const user = await login(email, password);
      route(safeNext(query.next) ?? homeOf(user));
    } catch (err) {
      setError(err instanceof ApiFailure && err.code === "unauthenticated" ? t("auth.wrong") : errorText(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <main id="main" class="page auth">
      <div class="card auth-card">
        <h1>{t("auth.loginTitle")}</h1>
        <p class="muted">{t("auth.loginLead")}</p>
        <form onSubmit={submit} noValidate>
          <Field id="email" label={t("auth.email")}>
            <input id="email" type="email" autoComplete="username" required value={email} onInput={(e) => setEmail(e.currentTarget.value)} />
          </Field>
          <Field id="password" label={t("auth.password")}>
            <input id="password" type="password" autoComplete="current-password" required value={password} onInput={(e) => setPassword(e.currentTarget.value)} />
          </Field>
          {error && <Alert>{error}</Alert>}
          <button class="btn btn-primary btn-block" disabled={busy}>
            {busy && <Spinner />}
            {t("auth.loginButton")}
          </button>
        </form>
        <p class="auth-switch">
          <a href="/forgot-password">{t("auth.forgot")}</a>
        </p>
        <p class="auth-switch">
          {t("auth.noAccount")} <a href="/signup">{t("auth.signupLink")}</a>
        </p>
      </div>
    </main>
  );
}

export function Signup() {
  const t = useT();
  usePageTitle(t("auth.signupTitle"));
  const [sentTo, setSentTo] = useState<string | null>(null);
  const [role, setRole] = useState<"student" | "company">("student");
  const [form, setForm] = useState({ fullName: "", email: "", password: "", companyName: "" });
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [fields, setFields] = useState<Record<string, string>>({});
  const set = (k: keyof typeof form) => (e: { currentTarget: HTMLInputElement }) => setForm({ ...form, [k]: e.currentTarget.value });
  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    setFields({});
    try {
      await signup({ role, fullName: form.fullName, email: form.email, password: form.password, lang: lang.get(), ...(role === "company" ? { companyName: form.companyName } : {}) });
      setSentTo(form.email.trim());
    } catch (err) {
      const f = fieldMessages(err);
      if (err instanceof ApiFailure && err.code === "email_not_allowed") f.email = t("error.emailNotAllowed");
      setFields(f);
      setError(Object.keys(f).length ? t("auth.fixFields") : errorText(err));
    } finally {
      setBusy(false);
    }
  };
  const err = (k: string) => fields[k];
  if (sentTo) return <CheckInbox email={sentTo} />;
  return (
    <main id="main" class="page auth">
      <div class="card auth-card">
        <h1>{t("auth.signupTitle")}</h1>
        <p class="muted">{t("auth.signupLead")}</p>
        <form onSubmit={submit} noValidate>
          <fieldset class="segmented">
            <legend>{t("auth.iAm")}</legend>
            {(["student", "company"] as const).map((r) => (
              <label key={r} class={role === r ? "on" : undefined}>
                <input type="radio" class="visually-hidden" name="role" value={r} checked={role === r} onChange={() => setRole(r)} />
                {t(r === "student" ? "auth.student" : "auth.recruiter")}
              </label>
            ))}
          </fieldset>
          <Field id="fullName" label={t("auth.fullName")} error={err("fullName")}>
            <input id="fullName" autoComplete="name" required value={form.fullName} onInput={set("fullName")} aria-invalid={!!err("fullName")} />
          </Field>
          {role === "company" && (
            <Field id="companyName" label={t("auth.companyName")} error={err("companyName")} hint={t("auth.companyHint")}>
              <input id="companyName" autoComplete="organization" required value={form.companyName} onInput={set("companyName")} aria-invalid={!!err("companyName")} />
            </Field>
          )}
          <Field id="email" label={t("auth.email")} error={err("email")} hint={role === "student" ? t("auth.schoolAddress") : undefined}>
            <input id="email" type="email" autoComplete="email" required value={form.email} onInput={set("email")} aria-invalid={!!err("email")} />
          </Field>
          <Field id="password" label={t("auth.password")} error={err("password")} hint={t("auth.passwordHint")}>
            <input id="password" type="password" autoComplete="new-password" minLength={8} required value={form.password} onInput={set("password")} aria-invalid={!!err("password")} />
          </Field>
          {error && <Alert>{error}</Alert>}
          <button class="btn btn-primary btn-block" disabled={busy}>
            {busy && <Spinner />}
            {t("auth.signupButton")}
          </button>
        </form>
        <p class="auth-switch">
          {t("auth.haveAccount")} <a href="/login">{t("auth.loginLink")}</a>
        </p>
      </div>
    </main>
  );
}

function CheckInbox({ email }: { email: string }) {
  const t = useT();
  usePageTitle(t("auth.checkInboxTitle"));
  return (
    <main id="main" class="page auth">
      <div class="card auth-card">
        <h1>{t("auth.checkInboxTitle")}</h1>
        <Alert kind="success">{t("auth.checkInboxBody", { email })}</Alert>
        <p class="muted small">{t("auth.checkInboxSpam")}</p>
        <p class="auth-switch">
          {t("auth.haveAccount")} <a href="/login">{t("auth.loginLink")}</a>
        </p>
      </div>
    </main>
  );
}
