// The deterministic name of a student's object for an event (DESIGN.md "Data and the yearly cycle").
import { ApiError } from "./errors.ts";

export const studentStub = (env: Env, eventId: string, userId: string) => env.STUDENT.getByName(`student:${eventId}:${userId}`);
export const slotStub = (env: Env, slotId: string) => env.SLOT.getByName(`slot:${slotId}`);
/** The live-seats hub of an event; its name carries the event id (LiveDO reads it back). */
export const liveStub = (env: Env, eventId: string) => env.LIVE.getByName(`live:${eventId}`);
/** The slot id in a SlotDO's own name (`slot:<id>`), or null. */
export const slotIdOfName = (name: string | undefined) => (name?.startsWith("slot:") ? name.slice(5) : null);
export const eventIdOfLiveName = (name: string | undefined) => (name?.startsWith("live:") ? name.slice(5) : null);

/** A fault reaching a Durable Object (overload, reset) is a 503 the client may retry. */
export async function callDo<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    console.error(JSON.stringify({ level: "error", msg: "durable object call failed", error: String(err) }));
    throw new ApiError("unavailable", "The booking service is busy; please retry in a moment.");
  }
}
