// Getting ready for an opening: a student whose page is open when a phase is about to open tells
// the server once (GET /api/bookings/ready), at the moment worker/domain/ready.ts picks; the
// student's object is created or woken then and stays in memory through the opening, so the first
// click does not pay for it in the middle of the herd. Once per opening and per page.
import { request } from "./api.ts";

const said = new Set<number>();

/** Says ready for the opening at `at`, once per page; a failure changes nothing (the first click does it). */
export function sayReady(at: number): void {
  if (said.has(at)) return;
  said.add(at);
  request("GET", "/bookings/ready").catch(() => undefined);
}
