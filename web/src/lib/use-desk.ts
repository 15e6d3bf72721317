// The office's desk: search students (debounced), and act on a booking: attendance, cancel, move.
// After every action the same search runs again, so the page shows the stored state.
import { useEffect, useRef, useState } from "preact/hooks";
import type { Attendance, Booking, CatalogueCompany, CompanyDetail, DeskStudent, SlotAvailability } from "../../../worker/domain/contract.ts";
import { api, get } from "./api.ts";

export function useDesk() {
  const [q, setQ] = useState("");
  const [students, setStudents] = useState<DeskStudent[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [loading, setLoading] = useState(false);
  const latest = useRef(0);
  const search = async (text: string) => {
    const ticket = ++latest.current;
    if (text.trim().length < 2) {
      setStudents(null);
      return;
    }
    setLoading(true);
    try {
      const r = await get<{ students: DeskStudent[] }>(`/admin/students?q=${encodeURIComponent(text.trim())}`);
      if (ticket === latest.current) {
        setStudents(r.students);
        setError(null);
      }
    } catch (e) {
      if (ticket === latest.current) setError(e);
    } finally {
      if (ticket === latest.current) setLoading(false);
    }
  };
  useEffect(() => {
    const id = setTimeout(() => void search(q), 250);
    return () => clearTimeout(id);
  }, [q]);
  const after = async <T,>(p: Promise<T>) => {
    const out = await p;
    await search(q);
    return out;
  };
  return {
    q,
    setQ,
    students,
    error,
    loading,
    attend: (bookingId: string, status: Attendance) => after(api<{ booking: Booking }>("POST", `/admin/bookings/${bookingId}/attendance`, { status })),
    cancel: (bookingId: string, reason: string) => after(api<{ booking: Booking }>("POST", `/admin/bookings/${bookingId}/cancel`, { reason })),
    move: (bookingId: string, slotId: string, reason: string, override: boolean) =>
      after(api<{ booking: Booking }>("POST", `/admin/bookings/${bookingId}/move`, { slotId, reason, override })).then((r) => r.booking),
  };
}

/** The move dialog's choices: the catalogue's companies (read when a booking is chosen), then the chosen company's slots. */
export function useMoveChoices(bookingId: string | null, companyId: string) {
  const [companies, setCompanies] = useState<CatalogueCompany[]>([]);
  const [slots, setSlots] = useState<SlotAvailability[] | null>(null);
  useEffect(() => {
    if (bookingId) void get<{ companies: CatalogueCompany[] }>("/companies").then((r) => setCompanies(r.companies));
  }, [bookingId]);
  useEffect(() => {
    setSlots(null);
    if (companyId) void get<CompanyDetail>(`/companies/${companyId}`).then((r) => setSlots(r.slots));
  }, [companyId]);
  return { companies, slots };
}
