// The pages e-mail links open: confirm an address, choose a new password, join a company; and the
// "forgot password" form that sends such a link.
import { useState } from "preact/hooks";
import { useLocation } from "preact-iso";
import { Alert, Field, Spinner, errorText, usePageTitle } from "../components/ui.tsx";
import { useT } from "../lib/i18n.ts";
import { acceptInvitation, forgotPassword, homeOf, resetPassword } from "../lib/session.ts";
import { useAction, useVerifyLink } from "../lib/use-account.ts";

function AuthCard({ title, lead, children }: { title: string; lead?: string; children: preact.ComponentChildren }) {
  usePageTitle(title);
  return (
    <main id="main" class="page auth">
      <div class="card auth-card">
        <h1>{title}</h1>
        {lead && <p class="muted">{lead}</p>}
        {children}
      </div>
    </main>
  );
}

export function VerifyEmail() {
  const t = useT();
  const { query } = useLocation();
  const { user, error, working } = useVerifyLink(query.token);
  return (
    <AuthCard title={t("verify.title")}>
      {working && (
        <p>
          <Spinner /> {t("verify.working")}
        </p>
      )}
      {user && (
        <>
          <Alert kind="success">{t("verify.done")}</Alert>
          <a class="btn btn-primary btn-block" href={homeOf(user)}>
            {t("verify.continue")}
          </a>
        </>
      )}
      {!working && !user && error !== null && (
        <>
          <Alert>{t("verify.failed")}</Alert>
          <p class="auth-switch">
            <a href="/login">{t("auth.loginLink")}</a>
          </p>
        </>
      )}
    </AuthCard>
  );
}

export function ForgotPassword() {
  const t = useT();
  const [email, setEmail] = useState("");
  const send = useAction(forgotPassword);
  return (
    <AuthCard title={t("forgot.title")} lead={send.done ? undefined : t("forgot.lead")}>
      {send.done ? (
        <Alert kind="success">{t("forgot.sent", { email })}</Alert>
      ) : (
        <form
          noValidate
          onSubmit={(e) => {
            e.preventDefault();
            void send.run(email.trim());
          }}
        >
          <Field id="email" label={t("auth.email")} error={send.fields.email}>
            <input id="email" type="email" autoComplete="username" required value={email} onInput={(e) => setEmail(e.currentTarget.value)} />
          </Field>
          {send.error !== null && !send.fields.email && <Alert>{errorText(send.error)}</Alert>}
          <button class="btn btn-primary btn-block" disabled={send.busy}>
            {send.busy && <Spinner />}
            {t("forgot.button")}
          </button>
        </form>
      )}
      <p class="auth-switch">
        <a href="/login">{t("auth.loginLink")}</a>
      </p>
    </AuthCard>
  );
}

export function ResetPassword() {
  const t = useT();
  const { query, route } = useLocation();
  const [password, setPassword] = useState("");
  const reset = useAction(resetPassword);
  return (
    <AuthCard title={t("reset.title")} lead={t("reset.lead")}>
      <form
        noValidate
        onSubmit={async (e) => {
          e.preventDefault();
          const user = await reset.run(query.token ?? "", password);
          if (user) route(homeOf(user));
        }}
      >
        <Field id="password" label={t("reset.password")} error={reset.fields.password} hint={t("auth.passwordHint")}>
          <input id="password" type="password" autoComplete="new-password" minLength={8} required value={password} onInput={(e) => setPassword(e.currentTarget.value)} />
        </Field>
        {reset.error !== null && !reset.fields.password && <Alert>{errorText(reset.error)}</Alert>}
        <button class="btn btn-primary btn-block" disabled={reset.busy}>
          {reset.busy && <Spinner />}
          {t("reset.button")}
        </button>
      </form>
      <p class="auth-switch">
        <a href="/forgot-password">{t("reset.askAgain")}</a>
      </p>
    </AuthCard>
  );
}

export function AcceptInvitation() {
  const t = useT();
  const { query, route } = useLocation();
  const [form, setForm] = useState({ fullName: "", password: "" });
  const accept = useAction(acceptInvitation);
  return (
    <AuthCard title={t("invite.title")} lead={t("invite.lead")}>
      <form
        noValidate
        onSubmit={async (e) => {
          e.preventDefault();
          const user = await accept.run(query.token ?? "", form.password, form.fullName);
          if (user) route(homeOf(user));
        }}
      >
        <Field id="fullName" label={t("auth.fullName")} error={accept.fields.fullName}>
          <input id="fullName" autoComplete="name" required value={form.fullName} onInput={(e) => setForm({ ...form, fullName: e.currentTarget.value })} />
        </Field>
        <Field id="password" label={t("auth.password")} error={accept.fields.password} hint={t("auth.passwordHint")}>
          <input id="password" type="password" autoComplete="new-password" minLength={8} required value={form.password} onInput={(e) => setForm({ ...form, password: e.currentTarget.value })} />
        </Field>
        {accept.error !== null && Object.keys(accept.fields).length === 0 && <Alert>{errorText(accept.error)}</Alert>}
        <button class="btn btn-primary btn-block" disabled={accept.busy}>
          {accept.busy && <Spinner />}
          {t("invite.button")}
        </button>
      </form>
    </AuthCard>
  );
}
