// Slot generation: the verified companies, a dry run for the chosen ones (with their own hours
// if set), then the real run.
import { useEffect, useState } from "preact/hooks";
import type { AdminCompany, GenerationReport } from "../../../worker/domain/contract.ts";
import { api } from "./api.ts";
import { loadAdminCompanies } from "./use-admin-companies.ts";

export function useSlotGeneration() {
  const [companies, setCompanies] = useState<AdminCompany[] | null>(null);
  const [chosen, setChosen] = useState<Set<string>>(new Set());
  const [preview, setPreview] = useState<GenerationReport | null>(null);
  const [done, setDone] = useState<GenerationReport | null>(null);
  const [busy, setBusy] = useState<"preview" | "generate" | null>(null);
  const [error, setError] = useState<unknown>(null);
  /** Own hours for the selected companies: unset (keep theirs), the event's (null), or a custom day. */
  const [hours, setHours] = useState<{ dayStart: string; dayEnd: string } | null | undefined>(undefined);
  const verified = () => loadAdminCompanies().then((l) => l.filter((c) => c.verified));

  useEffect(() => {
    verified()
      .then((list) => {
        setCompanies(list);
        setChosen(new Set(list.map((c) => c.id)));
      })
      .catch(setError);
  }, []);
  const run = async (dryRun: boolean) => {
    setBusy(dryRun ? "preview" : "generate");
    setError(null);
    try {
      const r = await api<GenerationReport>("POST", "/admin/slots/generate", { companyIds: [...chosen], dryRun, ...(hours !== undefined ? { hours } : {}) });
      if (dryRun) setPreview(r);
      else {
        setDone(r);
        setPreview(null);
        setCompanies(await verified());
      }
    } catch (e) {
      setError(e);
    } finally {
      setBusy(null);
    }
  };
  // Every change of the choice or the hours previews again.
  useEffect(() => {
    if (companies && chosen.size) void run(true);
    else setPreview(null);
  }, [chosen, companies === null, JSON.stringify(hours)]);

  const choose = (next: Set<string>) => {
    setChosen(next);
    setDone(null);
  };
  return {
    companies,
    chosen,
    preview,
    done,
    busy,
    error,
    hours,
    setHours,
    generate: () => run(false),
    toggle: (id: string) => {
      const next = new Set(chosen);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      choose(next);
    },
    chooseAll: () => choose(new Set(companies?.map((c) => c.id) ?? [])),
    chooseNone: () => choose(new Set()),
    rowOf: (id: string) => preview?.companies.find((c) => c.companyId === id),
  };
}
