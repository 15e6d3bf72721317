// Account care for the career office: search accounts by e-mail, then act on one (audited server-side).
import { useState } from "preact/hooks";
import type { AdminUser } from "../../../worker/domain/contract.ts";
import { api, get } from "./api.ts";

export type AccountAction = "disable" | "enable" | "resend" | "reset";

const CALLS: Record<AccountAction, (u: AdminUser) => Promise<unknown>> = {
  disable: (u) => api("POST", `/admin/users/${u.id}/disable`, { disabled: true }),
  enable: (u) => api("POST", `/admin/users/${u.id}/disable`, { disabled: false }),
  resend: (u) => api("POST", `/admin/users/${u.id}/verification`),
  reset: (u) => api("POST", `/admin/users/${u.id}/password-reset`),
};

export function useAdminAccounts() {
  const [q, setQ] = useState("");
  const [users, setUsers] = useState<AdminUser[] | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [done, setDone] = useState<string | null>(null);
  const search = async (query = q) => {
    if (!query.trim()) return;
    setError(null);
    try {
      setUsers((await get<{ users: AdminUser[] }>(`/admin/users?q=${encodeURIComponent(query.trim())}`)).users);
    } catch (e) {
      setError(e);
    }
  };
  const act = async (u: AdminUser, action: AccountAction) => {
    setBusy(u.id);
    setError(null);
    setDone(null);
    try {
      await CALLS[action](u);
      setDone(u.email);
      await search();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(null);
    }
  };
  return { q, setQ, users, busy, error, done, search, act };
}
