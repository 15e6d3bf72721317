// The student's profile: their CV (PDF ≤ 5 MB, checked by its first bytes), kept in R2 at
// cv/<userId>.pdf. Recruiters read it through /api/company/students/:id/cv (company-profile.ts).
import { and, eq } from "drizzle-orm";
import { Hono } from "hono";
import type { Priority } from "../domain/contract.ts";
import { deprioritizedEmails, users } from "../db/schema.ts";
import { activeEvent } from "../lib/events.ts";
import { CV_MAX_BYTES, PDF_MAGIC, type CvInfo, cvKey } from "../domain/offers.ts";
import type { AuthedEnv } from "../env.ts";
import { auditStmt } from "../lib/audit.ts";
import { ApiError, notFound } from "../lib/errors.ts";
import { requireRole } from "../middleware/auth.ts";

export { cvKey };

const info = (o: R2Object): CvInfo => ({ size: o.size, uploadedAt: o.customMetadata?.uploadedAt ?? o.uploaded.toISOString() });

/** The stored PDF as a download; `name` becomes the file name the browser proposes. */
export async function cvResponse(env: Env, userId: string, name: string): Promise<Response> {
  const o = await env.FILES.get(cvKey(userId));
  if (!o) throw notFound("No CV uploaded.");
  const safe = name.normalize("NFD").replace(/[^\w.-]+/g, "-").replace(/^-+|-+$/g, "") || "cv";
  return new Response(o.body, {
    headers: {
      "Content-Type": "application/pdf",
      "Content-Length": String(o.size),
      "Content-Disposition": `attachment; filename="${safe}.pdf"`,
      "Cache-Control": "private, no-store",
      "X-Content-Type-Options": "nosniff",
    },
  });
}

export const profileRoutes = new Hono<AuthedEnv>()
  .use(requireRole("student"))
  // Why this student books from phase 2 (e.g. a no-show last year), and where to appeal.
  .get("/priority", async (c) => {
    const db = c.var.db;
    const event = await activeEvent(db);
    const [[me], [listed]] = await db.batch([
      db.select({ deprioritized: users.deprioritized, email: users.email }).from(users).where(eq(users.id, c.var.user.id)),
      db
        .select({ reason: deprioritizedEmails.reason })
        .from(deprioritizedEmails)
        .innerJoin(users, eq(users.email, deprioritizedEmails.email))
        .where(and(eq(deprioritizedEmails.eventId, event.id), eq(users.id, c.var.user.id))),
    ]);
    const deprioritized = me?.deprioritized ?? false;
    const priority: Priority = { deprioritized, reason: deprioritized ? (listed?.reason ?? null) : null, contactEmail: event.contactEmail };
    c.header("Cache-Control", "no-store");
    return c.json({ priority });
  })
  .get("/cv", async (c) => {
    const o = await c.env.FILES.head(cvKey(c.var.user.id));
    c.header("Cache-Control", "no-store");
    return c.json({ cv: o ? info(o) : null });
  })
  .put("/cv", async (c) => {
    const bytes = new Uint8Array(await c.req.arrayBuffer());
    if (bytes.byteLength === 0) throw new ApiError("validation_failed", "The file is empty.", [{ path: "file", message: "empty" }]);
    if (bytes.byteLength > CV_MAX_BYTES) throw new ApiError("payload_too_large", "A CV is at most 5 MB.");
    if (!PDF_MAGIC.every((b, i) => bytes[i] === b))
      throw new ApiError("validation_failed", "Only PDF files are accepted.", [{ path: "file", message: "not a PDF" }]);
    const user = c.var.user;
    const uploadedAt = new Date().toISOString();
    const existed = (await c.env.FILES.head(cvKey(user.id))) !== null;
    const o = await c.env.FILES.put(cvKey(user.id), bytes, {
      httpMetadata: { contentType: "application/pdf" },
      customMetadata: { uploadedAt },
    });
    await auditStmt(c.var.db, user, { action: existed ? "cv.replace" : "cv.upload", targetType: "user", targetId: user.id, after: { size: o.size } });
    return c.json({ cv: info(o) }, existed ? 200 : 201);
  })
  .delete("/cv", async (c) => {
    const user = c.var.user;
    if (!(await c.env.FILES.head(cvKey(user.id)))) throw notFound("No CV uploaded.");
    await c.env.FILES.delete(cvKey(user.id));
    await auditStmt(c.var.db, user, { action: "cv.delete", targetType: "user", targetId: user.id });
    return c.body(null, 204);
  })
  .get("/cv/file", (c) => cvResponse(c.env, c.var.user.id, `cv-${c.var.user.fullName}`));
