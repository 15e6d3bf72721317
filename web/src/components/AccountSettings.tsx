// Profile sections for any account: the language of mails and reminders, and the password.
import { useState } from "preact/hooks";
import { LANGS } from "../../../worker/domain/contract.ts";
import { Alert, Field, Skeleton, Spinner, errorText } from "./ui.tsx";
import { useT } from "../lib/i18n.ts";
import { changePassword } from "../lib/session.ts";
import { useAction } from "../lib/use-account.ts";
import { usePreferences } from "../lib/use-preferences.ts";

export function MailPreferences() {
  const t = useT();
  const { prefs, error, saved, save } = usePreferences();
  return (
    <section class="card" aria-labelledby="mail-title">
      <h2 id="mail-title">{t("profile.mail")}</h2>
      <p class="muted">{t("profile.mailLead")}</p>
      {!prefs ? (
        <Skeleton h="4rem" />
      ) : (
        <>
          <fieldset class="segmented">
            <legend>{t("profile.mailLang")}</legend>
            {LANGS.map((l) => (
              <label key={l} class={prefs.lang === l ? "on" : undefined}>
                <input type="radio" class="visually-hidden" name="mail-lang" value={l} checked={prefs.lang === l} onChange={() => void save({ lang: l })} />
                {t(l === "fr" ? "lang.fr" : "lang.en")}
              </label>
            ))}
          </fieldset>
          <label class="check">
            <input type="checkbox" checked={prefs.reminders} onChange={(e) => void save({ reminders: e.currentTarget.checked })} />
            {t("profile.reminders")}
          </label>
        </>
      )}
      <div aria-live="polite">
        {saved && <Alert kind="success">{t("profile.saved")}</Alert>}
        {error !== null && <Alert>{errorText(error)}</Alert>}
      </div>
    </section>
  );
}

export function ChangePassword() {
  const t = useT();
  const [form, setForm] = useState({ current: "", next: "" });
  const change = useAction(changePassword);
  return (
    <section class="card" aria-labelledby="password-title">
      <h2 id="password-title">{t("profile.password")}</h2>
      <form
        noValidate
        onSubmit={async (e) => {
          e.preventDefault();
          if (await change.run(form.current, form.next)) setForm({ current: "", next: "" });
        }}
      >
        <div class="grid-2">
          <Field id="current-password" label={t("profile.current")} error={change.fields.currentPassword}>
            <input id="current-password" type="password" autoComplete="current-password" value={form.current} onInput={(e) => setForm({ ...form, current: e.currentTarget.value })} />
          </Field>
          <Field id="new-password" label={t("profile.newPassword")} error={change.fields.newPassword} hint={t("auth.passwordHint")}>
            <input id="new-password" type="password" autoComplete="new-password" minLength={8} value={form.next} onInput={(e) => setForm({ ...form, next: e.currentTarget.value })} />
          </Field>
        </div>
        <div aria-live="polite">
          {change.done && !change.busy && <Alert kind="success">{t("profile.passwordChanged")}</Alert>}
          {change.error !== null && Object.keys(change.fields).length === 0 && <Alert>{errorText(change.error)}</Alert>}
        </div>
        <div class="actions">
          <button class="btn" disabled={change.busy || !form.current || form.next.length < 8}>
            {change.busy && <Spinner />}
            {t("profile.changePassword")}
          </button>
        </div>
      </form>
    </section>
  );
}
