// Shared data of the student pages: the catalogue and the student's own bookings.
import type { Booking, Company, CompanyWithOffers, Offer, ScheduleEntry, SlotAvailability } from "../../../worker/domain/contract.ts";
import { ApiFailure, api, get } from "./api.ts";
import { saved, store } from "./store.ts";

export interface CatalogueCompany extends CompanyWithOffers {
  slotCount: number;
  freeSeats: number;
}

const CAT = "inf.catalogue";
export const catalogue = store<CatalogueCompany[] | null>(saved.get<CatalogueCompany[]>(CAT));
export const catalogueError = store(false);

export async function loadCatalogue() {
  try {
    const list = (await get<{ companies: CatalogueCompany[] }>("/companies")).companies;
    saved.set(CAT, list);
    catalogue.set(list);
    catalogueError.set(false);
  } catch {
    catalogueError.set(true);
  }
}

export const companyName = (id: string) => catalogue.get()?.find((c) => c.id === id)?.name ?? "";

export interface CompanyPage {
  company: Company;
  offers: Offer[];
  slots: SlotAvailability[];
}
export const loadCompany = (id: string) => get<CompanyPage>(`/companies/${id}`);

/** The student's confirmed bookings, as their schedule shows them. */
export const bookings = store<ScheduleEntry[] | null>(null);

export async function loadBookings() {
  try {
    const list = (await get<{ bookings: ScheduleEntry[] }>("/bookings")).bookings;
    bookings.set([...list].sort((a, b) => a.startsAt.localeCompare(b.startsAt)));
  } catch {
    /* the page shows what it had; the banner's counts wait */
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** Transport trouble, never a decision: the only failures a booking is retried on. */
const retriable = (e: unknown) => e instanceof ApiFailure && (e.code === "network" || e.status === 502 || e.status === 503 || e.status === 504);

/**
 * Books a slot. One idempotency key per click: a retry after a lost answer replays the same
 * result instead of booking twice. Refusals (409...) are never retried.
 */
export async function book(slotId: string, tries = 4): Promise<Booking> {
  const key = crypto.randomUUID();
  for (let attempt = 0; ; attempt++) {
    try {
      const { booking } = await api<{ booking: Booking }>("POST", "/bookings", { slotId }, { "Idempotency-Key": key });
      // Shown at once; the schedule's own view (company, booth, check-in code) follows.
      const entry: ScheduleEntry = { ...booking, companyName: companyName(booking.companyId), booth: null, note: null, checkInToken: null, cancelledBy: null, cancelReason: null };
      bookings.set([...(bookings.get() ?? []).filter((b) => b.id !== booking.id), entry].sort((a, b) => a.startsAt.localeCompare(b.startsAt)));
      void loadBookings();
      return booking;
    } catch (e) {
      if (!retriable(e) || attempt + 1 >= tries) throw e;
      await sleep(400 * 2 ** attempt + Math.random() * 300);
    }
  }
}

export async function cancel(id: string): Promise<void> {
  await api("DELETE", `/bookings/${id}`);
  bookings.set((bookings.get() ?? []).filter((b) => b.id !== id));
}

/** The student's cancelled bookings, with who cancelled and why (the schedule's history). */
export const loadHistory = () => get<{ bookings: ScheduleEntry[] }>("/bookings?all=1").then((r) => r.bookings.filter((b) => b.status === "cancelled"));
