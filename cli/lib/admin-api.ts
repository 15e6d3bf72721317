// Commands that act through the running Worker's admin API (what only the Worker can do: read the
// Durable Objects, queue mails): the admin session, the Worker's URL and one call helper.
import { Refused, UsageError, type Ctx } from "./cli.ts";

export const DEFAULT_URL = "http://127.0.0.1:8787";

export const ADMIN_API_OPTIONS = { url: { type: "string" }, token: { type: "string" }, email: { type: "string" } } as const;

export const ADMIN_API_HELP = `  --url <url>      the Worker (default ${DEFAULT_URL}; required with --remote)
  --token <jwt>    an admin session token (or INF_ADMIN_TOKEN)
  --email <admin>  log in as this admin with INF_ADMIN_PASSWORD`;

async function token(name: string, url: string, values: Record<string, unknown>): Promise<string> {
  const given = (values.token as string | undefined) ?? process.env.INF_ADMIN_TOKEN;
  if (given) return given;
  const email = (values.email as string | undefined) ?? process.env.INF_ADMIN_EMAIL;
  const password = process.env.INF_ADMIN_PASSWORD;
  if (!email || !password)
    throw new UsageError(`${name} needs an admin session: --token <jwt> (or INF_ADMIN_TOKEN), or --email <admin> with INF_ADMIN_PASSWORD set`);
  const res = await fetch(`${url}/api/auth/login`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ email, password }) });
  const body = (await res.json().catch(() => ({}))) as { token?: string; error?: { message?: string } };
  if (!res.ok || !body.token) throw new Refused(`login as ${email} failed (${res.status}): ${body.error?.message ?? "no token"}`);
  return body.token;
}

export type AdminCall = <T = any>(method: string, path: string, body?: unknown) => Promise<T>;

/** Logs in (or takes the given token) and returns a caller that throws Refused on any error answer. */
export async function adminApi(name: string, values: Record<string, unknown>, ctx: Ctx): Promise<{ url: string; call: AdminCall }> {
  if (ctx.target.remote && !values.url) throw new UsageError("with --remote, give the production Worker's --url");
  const url = String(values.url ?? DEFAULT_URL).replace(/\/+$/, "");
  const bearer = await token(name, url, values);
  const call: AdminCall = async (method, path, body) => {
    const res = await fetch(`${url}/api${path}`, {
      method,
      headers: { authorization: `Bearer ${bearer}`, ...(body === undefined ? {} : { "content-type": "application/json" }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    }).catch((err: unknown) => {
      throw new Refused(`cannot reach the Worker at ${url} (${(err as Error).message}); is it running (npm start)?`);
    });
    const parsed = (await res.json().catch(() => ({}))) as { error?: { code: string; message: string } };
    if (!res.ok) throw new Refused(`${method} ${path} failed (${res.status} ${parsed.error?.code ?? ""}): ${parsed.error?.message ?? ""}`);
    return parsed as never;
  };
  return { url, call };
}
