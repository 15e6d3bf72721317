// Reading the local inbox (GET /api/dev/mail) the way a person follows a link: shared by the workerd
// tests, the CLI tests and the browser journeys, each passing its own way of calling the API.
import type { DevMailMessage } from "../worker/domain/contract.ts";

export type Call = (method: string, path: string, body?: unknown) => Promise<{ status: number; body: any }>;

/** A message of the local inbox: the contract's shape (`GET /api/dev/mail`). */
export type InboxMessage = DevMailMessage;

/** The newest message to `to` that matches, once the mail queue has delivered it. */
export async function waitForMail(call: Call, to: string, match: (m: InboxMessage) => boolean = () => true, timeoutMs = 30_000): Promise<InboxMessage> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const r = await call("GET", `/dev/mail?to=${encodeURIComponent(to)}`);
    if (r.status !== 200) throw new Error(`GET /dev/mail: ${r.status} ${JSON.stringify(r.body)}`);
    const found = (r.body.messages as InboxMessage[]).find(match);
    if (found) return found;
    if (Date.now() > deadline) throw new Error(`no matching mail to ${to} within ${timeoutMs} ms (${r.body.messages.length} other(s))`);
    // Gently: each poll is a request to the app under test (over HTTP in the CLI and browser suites).
    await new Promise((ok) => setTimeout(ok, 250));
  }
}

/** The `token` of the first link in a message whose path is `path` (/verify, /reset-password, /invite). */
export function linkToken(m: InboxMessage, path: string): string {
  for (const l of m.links) {
    const u = new URL(l);
    if (u.pathname === path && u.searchParams.get("token")) return u.searchParams.get("token")!;
  }
  throw new Error(`no ${path} link in "${m.subject}": ${m.links.join(", ")}`);
}

/** Sign up (202), follow the verification link, return the verified session `{user, token}`. */
export async function signUpVerified(call: Call, body: { email: string; password: string; fullName: string; role: "student" | "company"; companyName?: string }): Promise<{ user: any; token: string }> {
  const s = await call("POST", "/auth/signup", body);
  if (s.status !== 202) throw new Error(`signup ${body.email}: ${s.status} ${JSON.stringify(s.body)}`);
  const mail = await waitForMail(call, body.email.toLowerCase(), (m) => m.kind === "verify");
  const v = await call("POST", "/auth/verify", { token: linkToken(mail, "/verify") });
  if (v.status !== 200) throw new Error(`verify ${body.email}: ${v.status} ${JSON.stringify(v.body)}`);
  return v.body;
}
