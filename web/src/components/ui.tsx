// Small building blocks shared by every page.
import type { ComponentChildren } from "preact";
import { useEffect, useRef } from "preact/hooks";
import type { Attendance } from "../../../worker/domain/contract.ts";
import { ApiFailure } from "../lib/api.ts";
import { t, useT } from "../lib/i18n.ts";

export const Spinner = ({ label }: { label?: string }) => (
  <span class="spinner" role="status">
    <span class="visually-hidden">{label ?? t("common.loading")}</span>
  </span>
);

export function Empty({ title, children }: { title: string; children?: ComponentChildren }) {
  return (
    <div class="empty">
      <p class="empty-title">{title}</p>
      {children}
    </div>
  );
}

/** A plain-language message for any failed call. */
export function errorText(e: unknown): string {
  if (e instanceof ApiFailure) {
    if (e.code === "network") return t("error.network");
    if (e.code === "rate_limited") return t("error.rateLimited");
    if (e.code === "unauthenticated") return t("error.unauthenticated");
    if (e.code === "forbidden") return t("error.forbidden");
    if (e.code === "not_found") return t("error.notFound");
    if (e.code === "payload_too_large") return t("error.tooLarge");
    if (e.code === "email_unverified") return t("error.emailUnverified");
    if (e.code === "email_not_allowed") return t("error.emailNotAllowed");
    if (e.code === "invalid_token") return t("error.invalidToken");
    if (e.status >= 500) return t("error.server");
    return e.message;
  }
  return t("error.server");
}

export function Alert({ kind = "error", children, onRetry }: { kind?: "error" | "info" | "success" | "warn"; children: ComponentChildren; onRetry?: () => void }) {
  useT();
  return (
    <div class={`alert alert-${kind}`} role={kind === "error" ? "alert" : "status"}>
      <div>{children}</div>
      {onRetry && (
        <button type="button" class="btn btn-small" onClick={onRetry}>
          {t("common.retry")}
        </button>
      )}
    </div>
  );
}

export function Field(props: { label: string; error?: string | undefined; hint?: string; children: ComponentChildren; id: string }) {
  return (
    <div class={`field${props.error ? " has-error" : ""}`}>
      <label for={props.id}>{props.label}</label>
      {props.children}
      {props.hint && !props.error && (
        <p class="hint" id={`${props.id}-hint`}>
          {props.hint}
        </p>
      )}
      {props.error && (
        <p class="field-error" id={`${props.id}-error`}>
          {props.error}
        </p>
      )}
    </div>
  );
}

/** A modal confirmation on the native <dialog>: focus trapped, Esc closes, returns focus. */
export function Confirm(props: { open: boolean; title: string; children?: ComponentChildren; confirm: string; danger?: boolean; busy?: boolean; onConfirm: () => void; onClose: () => void }) {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const d = ref.current;
    if (!d) return;
    if (props.open && !d.open) d.showModal();
    if (!props.open && d.open) d.close();
  }, [props.open]);
  return (
    <dialog ref={ref} class="dialog" aria-labelledby="dialog-title" onClose={props.onClose}>
      <h2 id="dialog-title">{props.title}</h2>
      {props.children}
      <div class="dialog-actions">
        <button type="button" class="btn btn-ghost" onClick={props.onClose}>
          {t("common.cancel")}
        </button>
        <button type="button" class={`btn ${props.danger ? "btn-danger" : "btn-primary"}`} disabled={props.busy} onClick={props.onConfirm}>
          {props.busy ? <Spinner /> : null}
          {props.confirm}
        </button>
      </div>
    </dialog>
  );
}

export const Skeleton = ({ h = "1rem", w = "100%" }: { h?: string; w?: string }) => <span class="skeleton" style={{ height: h, width: w }} aria-hidden="true" />;

/** Sets the document title and moves focus to the page heading after navigation. */
export function usePageTitle(title: string) {
  useEffect(() => {
    document.title = `${title} · INF`;
  }, [title]);
}

/** What happened on the day, as a coloured pill (present green, late amber, no-show red). */
export function AttendancePill({ value }: { value: Attendance }) {
  useT();
  return <span class={`pill ${value === "present" ? "pill-ok" : value === "late" ? "pill-warn" : "pill-danger"}`}>{t(`attendance.${value}`)}</span>;
}
