// The audit log, newest first, fifty at a time.
import { useEffect, useState } from "preact/hooks";
import type { AuditEntry } from "../../../worker/domain/contract.ts";
import { get } from "./api.ts";

const PAGE = 50;

export function useAudit() {
  const [entries, setEntries] = useState<AuditEntry[] | null>(null);
  const [more, setMore] = useState(true);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const load = async (before?: number) => {
    setBusy(true);
    try {
      const r = await get<{ entries: AuditEntry[] }>(`/admin/audit?limit=${PAGE}${before ? `&before=${before}` : ""}`);
      setEntries((prev) => [...(before ? (prev ?? []) : []), ...r.entries]);
      setMore(r.entries.length === PAGE);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  useEffect(() => void load(), []);
  const last = entries?.[entries.length - 1];
  return { entries, more: more && last !== undefined, busy, error, loadMore: () => last && void load(last.id) };
}
