// The student's profile: who they are and their CV (PDF, at most 5 MB), replaceable and deletable.
import { useEffect, useRef, useState } from "preact/hooks";
import { CV_MAX_BYTES, PDF_MAGIC, type CvInfo } from "../../../worker/domain/offers.ts";
import { ChangePassword, MailPreferences } from "../components/AccountSettings.tsx";
import { Alert, Confirm, Skeleton, Spinner, errorText, usePageTitle } from "../components/ui.tsx";
import { api, downloadFrom, get } from "../lib/api.ts";
import { bytes, dateTime } from "../lib/format.ts";
import { useT } from "../lib/i18n.ts";
import { session } from "../lib/session.ts";
import { useStore } from "../lib/store.ts";

export function Profile() {
  const t = useT();
  usePageTitle(t("profile.title"));
  const user = useStore(session);
  const [cv, setCv] = useState<CvInfo | null | undefined>(undefined);
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<{ kind: "success" | "error"; text: string } | null>(null);
  const [confirmDelete, setConfirmDelete] = useState(false);
  const input = useRef<HTMLInputElement>(null);

  useEffect(() => {
    get<{ cv: CvInfo | null }>("/profile/cv")
      .then((r) => setCv(r.cv))
      .catch((e) => {
        setCv(null);
        setMessage({ kind: "error", text: errorText(e) });
      });
  }, []);

  const upload = async (file: File) => {
    setMessage(null);
    const head = new Uint8Array(await file.slice(0, PDF_MAGIC.length).arrayBuffer());
    if (!PDF_MAGIC.every((b, i) => head[i] === b)) return setMessage({ kind: "error", text: t("profile.notPdf") });
    if (file.size > CV_MAX_BYTES) return setMessage({ kind: "error", text: t("profile.tooBig", { size: bytes(file.size) }) });
    setBusy(true);
    try {
      const r = await api<{ cv: CvInfo }>("PUT", "/profile/cv", file, { "content-type": "application/pdf" });
      setMessage({ kind: "success", text: cv ? t("profile.replaced") : t("profile.uploaded") });
      setCv(r.cv);
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
      await api("DELETE", "/profile/cv");
      setCv(null);
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
          <dd>{user?.deprioritized ? t("profile.fromPhase2") : t("profile.fromPhase1")}</dd>
        </dl>
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
              <button type="button" class="btn btn-small" onClick={() => void downloadFrom("/profile/cv/file", "cv.pdf").catch((e) => setMessage({ kind: "error", text: errorText(e) }))}>
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
