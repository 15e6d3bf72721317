// The recruiter's slots and the day's actions on them: attendance (by name or by the student's
// code), releasing a seat, blocking and resizing a slot, the CSV and the CVs. The list is re-read
// when the live seats of the company change (the socket, or its polling fallback) and after each
// action; attendance marked on another device is not on that channel, so a slow poll while visible.
import { useEffect, useState } from "preact/hooks";
import type { Attendance, Booking, CompanySlot, SlotAvailability } from "../../../worker/domain/contract.ts";
import { toCsv } from "../../../worker/domain/csv.ts";
import { api, downloadFrom, get, saveBlob } from "./api.ts";
import { time } from "./format.ts";
import { useLive } from "./use-live.ts";

export function useCompanySlots(companyId: string | null, pollMs = 15_000) {
  const [slots, setSlots] = useState<CompanySlot[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const live = useLive({ companyIds: companyId ? [companyId] : [] });
  const seats = companyId ? live.companies.get(companyId) : undefined;
  const reload = () =>
    get<{ slots: CompanySlot[] }>("/company/slots")
      .then((r) => {
        setSlots(r.slots);
        setError(null);
      })
      .catch(setError);
  useEffect(() => void reload(), [seats?.seq, seats?.free]);
  useEffect(() => {
    const id = setInterval(() => document.visibilityState === "visible" && void reload(), pollMs);
    return () => clearInterval(id);
  }, []);
  const after = async <T,>(p: Promise<T>) => {
    const out = await p;
    await reload();
    return out;
  };
  return {
    slots,
    error,
    reload,
    attend: (bookingId: string, body: { status: Attendance } | { token: string }) =>
      after(api<{ booking: Booking }>("POST", `/company/bookings/${bookingId}/attendance`, body)).then((r) => r.booking),
    release: (bookingId: string, reason: string) => after(api<{ booking: Booking }>("POST", `/company/bookings/${bookingId}/release`, { reason })),
    change: (slotId: string, change: { blocked?: boolean; capacity?: number }) => after(api<{ slot: SlotAvailability }>("PATCH", `/company/slots/${slotId}`, change)),
    /** The day as a spreadsheet (the shared CSV writer: quoting, formula guard). */
    exportCsv: (companyName: string, tz: string | undefined) => {
      if (!slots) return;
      const rows = slots.flatMap((s) => s.students.map((st) => [time(s.startsAt, tz), time(s.endsAt, tz), st.fullName, st.email, st.attendance ?? ""]));
      const name = companyName.replace(/[^\w-]+/g, "-").toLowerCase();
      saveBlob(new Blob([toCsv(["start", "end", "student", "email", "attendance"], rows)], { type: "text/csv;charset=utf-8" }), `interviews-${name}.csv`);
    },
    cv: (studentId: string, fullName: string) => downloadFrom(`/company/students/${studentId}/cv`, `cv-${fullName}.pdf`),
  };
}

/** Who holds `bookingId` among the slots, for the scanner's confirmation. */
export const studentOf = (slots: CompanySlot[] | null, bookingId: string) => {
  for (const s of slots ?? []) for (const st of s.students) if (st.bookingId === bookingId) return { slot: s, student: st };
  return null;
};
