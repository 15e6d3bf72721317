// The recruiter's slots and the day's actions on them: attendance (by name or by the student's
// code), releasing a seat, blocking and resizing a slot. Every action reloads the list.
import { useEffect, useState } from "preact/hooks";
import type { Attendance, Booking, CompanySlot, SlotAvailability } from "../../../worker/domain/contract.ts";
import { api, get } from "./api.ts";

export function useCompanySlots(pollMs = 15_000) {
  const [slots, setSlots] = useState<CompanySlot[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const reload = () =>
    get<{ slots: CompanySlot[] }>("/company/slots")
      .then((r) => {
        setSlots(r.slots);
        setError(null);
      })
      .catch(setError);
  useEffect(() => {
    void reload();
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
  };
}

/** Who holds `bookingId` among the slots, for the scanner's confirmation. */
export const studentOf = (slots: CompanySlot[] | null, bookingId: string) => {
  for (const s of slots ?? []) for (const st of s.students) if (st.bookingId === bookingId) return { slot: s, student: st };
  return null;
};
