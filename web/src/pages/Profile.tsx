// The student's profile: who they are and their CV (PDF, at most 5 MB), replaceable and
// deletable (lib/use-cv.ts).
import { useRef, useState } from "preact/hooks";
import { ChangePassword, MailPreferences } from "../components/AccountSettings.tsx";
import { Alert, Confirm, Skeleton, Spinner, errorText, usePageTitle } from "../components/ui.tsx";
import { bytes, dateTime } from "../lib/format.ts";
import { useT } from "../lib/i18n.ts";
import { session } from "../lib/session.ts";
import { usePriority } from "../lib/use-priority.ts";
import { useStore } from "../lib/store.ts";
import { checkCv, useCv } from "../lib/use-cv.ts";

export function Profile() {
  const t = useT();
  usePageTitle(t("profile.title"));
  const user = useStore(session);
  const priority = usePriority();
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<{ kind: "success" | "error"; text: string } | null>(null);
  const [confirmDelete, setConfirmDelete] = useState(false);
  const input = useRef<HTMLInputElement>(null);
  const { cv, upload: put, remove: del, download } = useCv((e) => setMessage({ kind: "error", text: errorText(e) }));

  const upload = async (file: File) => {
    setMessage(null);
    const check = await checkCv(file);
    if (!check.ok) return setMessage({ kind: "error", text: check.reason === "notPdf" ? t("profile.notPdf") : t("profile.tooBig", { size: bytes(file.size) }) });
    setBusy(true);
    try {
      const had = cv;
      await put(file);
      setMessage({ kind: "success", text: had ? t("profile.replaced") : t("profile.uploaded") });
    } catch (e) {
      setMessage({ kind: "error", text: errorText(e) });
    } finally {
      setBusy(false);
      if (input.current) input.current.value = "";
    }
  };
  const remove = async () => {
    setBusy(true);
    try {
      await del();
      setMessage({ kind: "success", text: t("profile.deleted") });
    } catch (e) {
      setMessage({ kind: "error", text: errorText(e) });
    } finally {
      setBusy(false);
      setConfirmDelete(false);
    }
  };

  return (
    <main id="main" class="page narrow">
      <h1>{t("profile.title")}</h1>
      <section class="card">
        <dl class="facts">
          <dt>{t("auth.fullName")}</dt>
          <dd>{user?.fullName}</dd>
          <dt>{t("auth.email")}</dt>
          <dd>{user?.email}</dd>
          <dt>{t("profile.priority")}</dt>
          <dd>{(priority?.deprioritized ?? user?.deprioritized) ? t("profile.fromPhase2") : t("profile.fromPhase1")}</dd>
        </dl>
        {priority?.deprioritized && (
          <Alert kind="info">
            {priority.reason ? <p>{t("profile.why", { reason: priority.reason })}</p> : null}
            <p class="small">
              {priority.contactEmail ? (
                <>
                  {t("profile.appeal")}{" "}
                  <a href={`mailto:${priority.contactEmail}?subject=${encodeURIComponent(t("profile.appealSubject"))}`}>{priority.contactEmail}</a>
                </>
              ) : (
                t("profile.appealNoAddress")
              )}
            </p>
          </Alert>
        )}
      </section>
      <section class="card" aria-labelledby="cv-title">
        <h2 id="cv-title">{t("profile.cv")}</h2>
        <p class="muted">{t("profile.cvLead")}</p>
        <div class="cv-box">
          {cv === undefined ? (
            <Skeleton h="2.5rem" />
          ) : cv ? (
            <div class="cv-file">
              <span class="cv-icon" aria-hidden="true">
                PDF
              </span>
              <div>
                <strong>{t("profile.cvOnFile")}</strong>
                <p class="muted small">{t("profile.cvMeta", { size: bytes(cv.size), when: dateTime(cv.uploadedAt) })}</p>
              </div>
              <button type="button" class="btn btn-small" onClick={() => void download().catch((e) => setMessage({ kind: "error", text: errorText(e) }))}>
                {t("profile.download")}
              </button>
            </div>
          ) : (
            <p class="muted">{t("profile.noCv")}</p>
          )}
        </div>
        <div class="actions">
          <label class={`btn btn-primary${busy ? " disabled" : ""}`}>
            {busy && <Spinner />}
            {cv ? t("profile.replace") : t("profile.upload")}
            <input
              ref={input}
              type="file"
              accept="application/pdf,.pdf"
              class="visually-hidden"
              disabled={busy}
              onChange={(e) => {
                const f = e.currentTarget.files?.[0];
                if (f) void upload(f);
              }}
            />
          </label>
          {cv && (
            <button type="button" class="btn btn-ghost" disabled={busy} onClick={() => setConfirmDelete(true)}>
              {t("profile.delete")}
            </button>
          )}
        </div>
        <div aria-live="polite">{message && <Alert kind={message.kind}>{message.text}</Alert>}</div>
      </section>
      <MailPreferences />
      <ChangePassword />
      <Confirm open={confirmDelete} title={t("profile.deleteTitle")} confirm={t("profile.delete")} danger busy={busy} onConfirm={() => void remove()} onClose={() => setConfirmDelete(false)}>
        <p>{t("profile.deleteBody")}</p>
      </Confirm>
    </main>
  );
}
