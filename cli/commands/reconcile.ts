// `reconcile`: asks the running Worker (the only thing that can read the Durable Objects) to
// compare every SlotDO and StudentDO of the event with D1, and prints each drift. --fix repairs
// D1 from the objects' truth (worker/routes/reconcile.ts).
import type { ReconcileReport } from "../../worker/domain/reconcile.ts";
import { ADMIN_API_HELP, ADMIN_API_OPTIONS, adminApi } from "../lib/admin-api.ts";
import { type Command, note, print, printJson, progress, table } from "../lib/cli.ts";

export const reconcile: Command = {
  name: "reconcile",
  summary: "compare the Durable Objects (seats, bookings, outbox) with D1 and print every drift",
  usage: `npm run event -- reconcile [--fix] [--event <id>] [--url <worker>] [--token <jwt> | --email <admin>]

Runs through the Worker's protected admin route /api/admin/reconcile: every SlotDO of the event
and every StudentDO that D1 or a seat knows of (bookings, attempts) is read and compared with D1:
  missing_in_d1          a booking the objects hold that D1 lacks         (fixable)
  status_mismatch        D1 says confirmed/cancelled, the StudentDO not   (fixable)
  not_in_do              a confirmed D1 booking no object knows           (fixable: marked cancelled)
  taken_mismatch         slots.taken differs from the SlotDO's seats      (fixable: recount)
  outbox_backlog         D1 writes late in a StudentDO (a refusal's row   (fixable: drained)
                         waiting up to 10 s for company is on time)
  seat_without_booking, booking_without_seat, dead_letter, open_hold      (reported; need a person)
Exit status 0 when no drift remains, 1 otherwise.

Options:
  --fix            repair D1 from the objects' truth, then report what remains
  --all-students   read every student's object, not only those D1 or a seat knows of
                   (finds a refusal stuck in an outbox; one call per student account)
  --event <id>     another event than the active one (its id)
${ADMIN_API_HELP}`,
  options: { fix: { type: "boolean", default: false }, "all-students": { type: "boolean", default: false }, event: { type: "string" }, ...ADMIN_API_OPTIONS },
  async run({ values }, ctx) {
    const fix = values.fix === true;
    const { url, call } = await adminApi("reconcile", values, ctx);
    const done = progress(`${fix ? "reconciling and fixing" : "reconciling"} through ${url}`);
    const body = await call<ReconcileReport>("POST", "/admin/reconcile", { fix, allStudents: values["all-students"] === true, ...(values.event ? { eventId: values.event } : {}) });
    done(`${body.checked.slots} slots, ${body.checked.students} students checked`);
    if (ctx.json) printJson(body);
    else {
      print(`${body.event.name}: ${body.drifts.length} drift(s) found${fix ? `, ${body.fixed} fixed, ${body.remaining.length} remaining` : ""}`);
      if (body.drifts.length) print(table(body.drifts.map((d) => ({ kind: d.kind, slot: d.slotId ?? "", student: d.studentId ?? "", booking: d.bookingId ?? "", d1: d.d1 ?? "", objects: d.do ?? "", fixable: d.fixable ? "yes" : "no" }))));
      if (fix && body.remaining.length) print(`\nRemaining:\n${table(body.remaining.map((d) => ({ kind: d.kind, slot: d.slotId ?? "", student: d.studentId ?? "", booking: d.bookingId ?? "" })))}`);
      if (!fix && body.drifts.some((d) => d.fixable)) note("Run again with --fix to repair the fixable ones.");
    }
    if ((fix ? body.remaining : body.drifts).length) process.exitCode = 1;
  },
};
