// The local inbox (DEV_MAILBOX=1: `npm start` and the tests; 404 when deployed): what the platform
// would have sent, newest first, so people and tests can follow a link without a mailbox.
import { Hono } from "hono";
import { z } from "zod";
import type { DevMailMessage } from "../domain/contract.ts";
import type { AppEnv } from "../env.ts";
import { ApiError, notFound } from "../lib/errors.ts";
import { valid } from "../lib/validate.ts";
import { isLocal } from "../mail/transport.ts";
import { normalizeEmail } from "../lib/users.ts";
import { createMiddleware } from "hono/factory";

const listQuery = z.strictObject({ to: z.string().max(254).optional() });
const fileParam = z.strictObject({ id: z.coerce.number().int().min(1), index: z.coerce.number().int().min(0).max(20) });

const localOnly = createMiddleware<AppEnv>(async (c, next) => {
  if (!isLocal(c.env)) throw new ApiError("not_found", "No such API route.");
  await next();
});

export const devMailRoutes = new Hono<AppEnv>()
  .use(localOnly)
  .get("/mail", valid("query", listQuery), async (c) => {
    const to = c.req.valid("query").to;
    const rows = await c.env.DB.prepare(
      `SELECT rowid AS id, kind, "to", subject, text, links, attachments, sent_at FROM dev_mail ${to ? 'WHERE "to" = ?1' : ""} ORDER BY sent_at DESC, rowid DESC LIMIT 200`,
    )
      .bind(...(to ? [normalizeEmail(to)] : []))
      .all<{ id: number; kind: string; to: string; subject: string; text: string; links: string; attachments: string; sent_at: string }>();
    const messages: DevMailMessage[] = rows.results.map((r) => ({
      id: String(r.id),
      kind: r.kind,
      to: r.to,
      subject: r.subject,
      text: r.text,
      links: JSON.parse(r.links) as string[],
      attachments: (JSON.parse(r.attachments) as { filename: string; type: string }[]).map((a, i) => ({ filename: a.filename, type: a.type, url: `/api/dev/mail/${r.id}/attachments/${i}` })),
      sentAt: r.sent_at,
    }));
    c.header("Cache-Control", "no-store");
    return c.json({ messages });
  })
  .get("/mail/:id/attachments/:index", valid("param", fileParam), async (c) => {
    const { id, index } = c.req.valid("param");
    const raw = await c.env.DB.prepare("SELECT attachments FROM dev_mail WHERE rowid = ?").bind(id).first<string>("attachments");
    const file = raw ? (JSON.parse(raw) as { filename: string; type: string; content: string }[])[index] : undefined;
    if (!file) throw notFound("No such attachment.");
    return c.body(file.content, 200, { "Content-Type": `${file.type}; charset=utf-8`, "Content-Disposition": `attachment; filename="${file.filename}"` });
  });
