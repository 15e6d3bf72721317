// Account care from the command line, through the running Worker's admin API (it queues the mails):
// invite recruiters to a company, disable or enable an account, resend a verification, start a
// password reset. Each is audited by the Worker under the admin who runs it.
import { z } from "zod";
import type { AdminUser } from "../../worker/domain/contract.ts";
import { normalizeEmail } from "../../worker/lib/users.ts";
import { ADMIN_API_HELP, ADMIN_API_OPTIONS, type AdminCall, adminApi } from "../lib/admin-api.ts";
import { type Command, Refused, UsageError, print, printJson } from "../lib/cli.ts";

const emailCheck = z.email();

function emailsOf(raw: string[]): string[] {
  const bad = raw.filter((e) => !emailCheck.safeParse(e.trim()).success);
  if (bad.length) throw new UsageError(`not an e-mail address: ${bad.join(", ")}`);
  return [...new Set(raw.map(normalizeEmail))];
}

async function userByEmail(call: AdminCall, email: string): Promise<AdminUser> {
  const { users } = await call<{ users: AdminUser[] }>("GET", `/admin/users?q=${encodeURIComponent(email)}`);
  const user = users.find((u) => u.email === email);
  if (!user) throw new Refused(`No account has the e-mail ${email}.`);
  return user;
}

export const companiesInvite: Command = {
  name: "companies invite",
  summary: "invite recruiters (by e-mail) to join a company; the link creates or links their account",
  usage: `npm run event -- companies invite <company name> <email>... [--url <worker>] [--token <jwt> | --email <admin>]

Sends each address an invitation (valid 7 days, single use) to join the company, matched by name
case-insensitively. Several recruiters per company are fine. An address that already has a
recruiter account is linked to this company when its owner accepts with their password.

Options:
${ADMIN_API_HELP}`,
  options: { ...ADMIN_API_OPTIONS },
  async run({ values, positionals }, ctx) {
    const [name, ...raw] = positionals;
    if (!name || !raw.length) throw new UsageError("companies invite takes a company name and at least one e-mail address");
    const emails = emailsOf(raw);
    const { call } = await adminApi("companies invite", values, ctx);
    const { companies } = await call<{ companies: { id: string; name: string }[] }>("GET", "/admin/companies");
    const company = companies.find((c) => c.name.toLowerCase() === name.trim().toLowerCase());
    if (!company) throw new Refused(`No company is named "${name}" (npm run event -- status lists them; import it first).`);
    const sent: { email: string; expiresAt: string }[] = [];
    for (const email of emails) {
      const { invitation } = await call<{ invitation: { email: string; expiresAt: string } }>("POST", `/admin/companies/${company.id}/invitations`, { email });
      sent.push({ email: invitation.email, expiresAt: invitation.expiresAt });
    }
    if (ctx.json) return printJson({ company: company.name, invited: sent });
    for (const s of sent) print(`Invited ${s.email} to ${company.name} (link valid until ${s.expiresAt}).`);
  },
};

const ACTIONS = {
  disable: { summary: "disable an account: no login, every session ended", run: (call: AdminCall, u: AdminUser) => call("POST", `/admin/users/${u.id}/disable`, { disabled: true }), done: "disabled (sessions ended)" },
  enable: { summary: "enable a disabled account again", run: (call: AdminCall, u: AdminUser) => call("POST", `/admin/users/${u.id}/disable`, { disabled: false }), done: "enabled" },
  "resend-verification": { summary: "send a new e-mail verification link", run: (call: AdminCall, u: AdminUser) => call("POST", `/admin/users/${u.id}/verification`), done: "sent a new verification link" },
  "reset-password": { summary: "send a password-reset link (30 min, single use)", run: (call: AdminCall, u: AdminUser) => call("POST", `/admin/users/${u.id}/password-reset`), done: "sent a password-reset link" },
} as const;

export const userCommands: Command[] = Object.entries(ACTIONS).map(([verb, a]) => ({
  name: `users ${verb}`,
  summary: a.summary,
  usage: `npm run event -- users ${verb} <email> [--url <worker>] [--token <jwt> | --email <admin>]

${a.summary[0]!.toUpperCase()}${a.summary.slice(1)}, through the Worker's admin API (audited).

Options:
${ADMIN_API_HELP}`,
  options: { ...ADMIN_API_OPTIONS },
  async run({ values, positionals }, ctx) {
    if (positionals.length !== 1) throw new UsageError(`users ${verb} takes exactly one e-mail address`);
    const [email] = emailsOf(positionals);
    const { call } = await adminApi(`users ${verb}`, values, ctx);
    const user = await userByEmail(call, email!);
    await a.run(call, user);
    if (ctx.json) return printJson({ email, id: user.id, action: verb });
    print(`${email}: ${a.done}.`);
  },
}));
