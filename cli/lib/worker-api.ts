// The commands that need the Durable Objects go through the running Worker's admin API (the CLI
// reaches D1 and R2 through wrangler, the objects only through the Worker).
import { Refused, UsageError } from "./cli.ts";
import type { Ctx } from "./cli.ts";

export const DEFAULT_URL = "http://127.0.0.1:8787";

export const WORKER_OPTIONS = { url: { type: "string" }, token: { type: "string" }, email: { type: "string" } } as const;

export const WORKER_HELP = `  --url <url>      the Worker (default ${DEFAULT_URL}; required with --remote)
  --token <jwt>    an admin session token (or INF_ADMIN_TOKEN)
  --email <admin>  log in as this admin with INF_ADMIN_PASSWORD`;

/** The Worker's base URL for this run. */
export function workerUrl(values: Record<string, unknown>, ctx: Ctx): string {
  if (ctx.target.remote && !values.url) throw new UsageError("with --remote, give the production Worker's --url");
  return String(values.url ?? DEFAULT_URL).replace(/\/+$/, "");
}

/** An admin session: --token, INF_ADMIN_TOKEN, or a login with --email and INF_ADMIN_PASSWORD. */
export async function adminToken(url: string, values: Record<string, unknown>, what: string): Promise<string> {
  const given = (values.token as string | undefined) ?? process.env.INF_ADMIN_TOKEN;
  if (given) return given;
  const email = (values.email as string | undefined) ?? process.env.INF_ADMIN_EMAIL;
  const password = process.env.INF_ADMIN_PASSWORD;
  if (!email || !password)
    throw new UsageError(`${what} needs an admin session: --token <jwt> (or INF_ADMIN_TOKEN), or --email <admin> with INF_ADMIN_PASSWORD set`);
  const res = await fetch(`${url}/api/auth/login`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ email, password }) });
  const body = (await res.json().catch(() => ({}))) as { token?: string; error?: { message?: string } };
  if (!res.ok || !body.token) throw new Refused(`login as ${email} failed (${res.status}): ${body.error?.message ?? "no token"}`);
  return body.token;
}

/** POST to an admin route; a refusal of the Worker becomes Refused with its code and message. */
export async function adminPost<T>(url: string, token: string, path: string, body: unknown, what: string): Promise<T> {
  const res = await fetch(`${url}/api${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
    body: JSON.stringify(body),
  }).catch((err: unknown) => {
    throw new Refused(`cannot reach the Worker at ${url} (${(err as Error).message}); is it running (npm start)?`);
  });
  const out = (await res.json().catch(() => ({}))) as T & { error?: { code: string; message: string } };
  if (!res.ok) throw new Refused(`${what} failed (${res.status} ${out.error?.code ?? ""}): ${out.error?.message ?? ""}`);
  return out;
}
