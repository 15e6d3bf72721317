// A confirmation that asks why (cancelling, releasing, withdrawing): the reason is required.
import type { ComponentChildren } from "preact";
import { useEffect, useState } from "preact/hooks";
import { t } from "../lib/i18n.ts";
import { Confirm, Field } from "./ui.tsx";

export function ReasonDialog(props: { open: boolean; title: string; confirm: string; busy?: boolean; error?: string | null; children?: ComponentChildren; onConfirm: (reason: string) => void; onClose: () => void }) {
  const [reason, setReason] = useState("");
  const [missing, setMissing] = useState(false);
  useEffect(() => {
    if (props.open) {
      setReason("");
      setMissing(false);
    }
  }, [props.open]);
  return (
    <Confirm
      open={props.open}
      title={props.title}
      confirm={props.confirm}
      danger
      busy={props.busy ?? false}
      onConfirm={() => (reason.trim() ? props.onConfirm(reason.trim()) : setMissing(true))}
      onClose={props.onClose}
    >
      {props.children}
      <Field id="reason" label={t("reason.label")} error={missing ? t("reason.required") : (props.error ?? undefined)}>
        <textarea id="reason" rows={2} maxLength={500} value={reason} onInput={(e) => setReason(e.currentTarget.value)} />
      </Field>
    </Confirm>
  );
}
