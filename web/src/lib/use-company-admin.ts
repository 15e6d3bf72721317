// The career office's company actions beyond verification: invite a recruiter, merge a duplicate.
import { useState } from "preact/hooks";
import type { Invitation } from "../../../worker/domain/contract.ts";
import { api } from "./api.ts";

export type CompanyDialog = { kind: "invite" | "merge"; id: string; name: string } | null;

export function useCompanyAdmin(reload: () => Promise<unknown>) {
  const [dialog, setDialog] = useState<CompanyDialog>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const wrap = async <T,>(call: () => Promise<T>): Promise<T | null> => {
    setBusy(true);
    setError(null);
    try {
      const r = await call();
      setDialog(null);
      await reload();
      return r;
    } catch (e) {
      setError(e);
      return null;
    } finally {
      setBusy(false);
    }
  };
  const invite = (companyId: string, email: string) =>
    wrap(() => api<{ invitation: Invitation }>("POST", `/admin/companies/${companyId}/invitations`, { email }).then((r) => r.invitation));
  const merge = (id: string, into: string) => wrap(() => api<{ company: { id: string; name: string } }>("POST", `/admin/companies/${id}/merge`, { into }).then((r) => r.company));
  const open = (d: CompanyDialog) => {
    setError(null);
    setDialog(d);
  };
  return { dialog, open, busy, error, invite, merge };
}
