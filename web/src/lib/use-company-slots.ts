// The recruiter's day: their slots and who booked them. Re-read whenever the live seats of their
// company change (the socket, or its polling fallback), never on a blind timer.
import { useEffect, useState } from "preact/hooks";
import type { CompanySlot } from "../../../worker/domain/contract.ts";
import { toCsv } from "../../../worker/domain/csv.ts";
import { downloadFrom, get, saveBlob } from "./api.ts";
import { time } from "./format.ts";
import { useLive } from "./use-live.ts";

export function useCompanySlots(companyId: string | null) {
  const [slots, setSlots] = useState<CompanySlot[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const live = useLive({ companyIds: companyId ? [companyId] : [] });
  const seats = companyId ? live.companies.get(companyId) : undefined;
  const load = () =>
    get<{ slots: CompanySlot[] }>("/company/slots")
      .then((r) => {
        setSlots(r.slots);
        setError(null);
      })
      .catch(setError);
  useEffect(() => void load(), [seats?.seq, seats?.free]);
  return {
    slots,
    error,
    reload: load,
    /** The day as a spreadsheet (the shared CSV writer: quoting, formula guard). */
    exportCsv: (companyName: string, tz: string | undefined) => {
      if (!slots) return;
      const rows = slots.flatMap((s) => s.students.map((st) => [time(s.startsAt, tz), time(s.endsAt, tz), st.fullName, st.email]));
      const name = companyName.replace(/[^\w-]+/g, "-").toLowerCase();
      saveBlob(new Blob([toCsv(["start", "end", "student", "email"], rows)], { type: "text/csv;charset=utf-8" }), `interviews-${name}.csv`);
    },
    cv: (studentId: string, fullName: string) => downloadFrom(`/company/students/${studentId}/cv`, `cv-${fullName}.pdf`),
  };
}
