// The companies as the career office sees them (verification per event), verifying and withdrawing one;
// the invitation and merge dialogs are in use-company-admin.ts.
import { useEffect, useState } from "preact/hooks";
import type { AdminCompany } from "../../../worker/domain/contract.ts";
import { api, get } from "./api.ts";

export const loadAdminCompanies = () => get<{ companies: AdminCompany[] }>("/admin/companies").then((r) => r.companies);

export function useAdminCompanies() {
  const [list, setList] = useState<AdminCompany[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const load = () => loadAdminCompanies().then(setList).catch(setError);
  useEffect(() => void load(), []);
  return {
    list,
    error,
    setError,
    reload: load,
    verify: async (c: AdminCompany, verified: boolean) => {
      await api("POST", `/admin/companies/${c.id}/verify`, { verified });
      await load();
    },
    /** Withdraws the company (its seats are cancelled); resolves with how many. */
    withdraw: async (c: AdminCompany, reason: string) => {
      const r = await api<{ cancelled: number }>("POST", `/admin/companies/${c.id}/withdraw`, { reason });
      await load();
      return r.cancelled;
    },
  };
}
