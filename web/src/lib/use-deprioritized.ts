// The deprioritized list of the active event: what is on it, and importing more.
import { useEffect, useState } from "preact/hooks";
import type { DeprioritizedImport } from "../../../worker/domain/contract.ts";
import { api, get } from "./api.ts";

/** Anything that looks like an address, from pasted text or a CSV file of any shape. */
export const emailsIn = (text: string) => [...new Set((text.match(/[^\s,;"'<>]+@[^\s,;"'<>]+\.[^\s,;"'<>]+/g) ?? []).map((e) => e.toLowerCase()))];

export function useDeprioritized() {
  const [current, setCurrent] = useState<string[] | null>(null);
  const load = () => get<{ emails: string[] }>("/admin/deprioritized").then((r) => setCurrent(r.emails));
  useEffect(() => void load().catch(() => setCurrent([])), []);
  return {
    current,
    importEmails: async (emails: string[]) => {
      const r = await api<DeprioritizedImport>("POST", "/admin/deprioritized", { emails });
      await load();
      return r;
    },
  };
}
