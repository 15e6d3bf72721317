// `admin create <email>`: the only way to make an admin (DESIGN.md "Security": admins are created
// by the CLI only). The password is prompted (hidden) on a terminal, read from stdin with
// --password-stdin, or generated and printed once.
import { randomBytes, randomUUID } from "node:crypto";
import { z } from "zod";
import { hashPassword } from "../../worker/lib/password.ts";
import { normalizeEmail } from "../../worker/lib/users.ts";
import { type Command, Refused, UsageError, nowIso, print, printJson } from "../lib/cli.ts";
import { auditSql } from "../lib/d1.ts";
import { insert, lit } from "../lib/sql.ts";
import { executeFile, query } from "../lib/wrangler.ts";

const MIN_PASSWORD = 12;

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString("utf8").replace(/\r?\n$/, "");
}

/** Reads a line on the terminal without echoing it. */
function promptHidden(question: string): Promise<string> {
  return new Promise((ok, fail) => {
    const stdin = process.stdin;
    process.stderr.write(question);
    stdin.setRawMode(true);
    stdin.resume();
    let value = "";
    const onData = (b: Buffer) => {
      for (const ch of b.toString("utf8")) {
        if (ch === "\r" || ch === "\n") {
          cleanup();
          process.stderr.write("\n");
          return ok(value);
        }
        if (ch === "\u0003") {
          cleanup();
          return fail(new UsageError("cancelled"));
        }
        if (ch === "\u007f") value = value.slice(0, -1);
        else value += ch;
      }
    };
    const cleanup = () => {
      stdin.off("data", onData);
      stdin.setRawMode(false);
      stdin.pause();
    };
    stdin.on("data", onData);
  });
}

export const adminCreate: Command = {
  name: "admin create",
  summary: "create a career-office (admin) account",
  usage: `npm run event -- admin create <email> [--name "Full Name"] [--password-stdin]

On a terminal the password is asked twice (leave it empty to generate one); otherwise, or with
an empty answer, a random password is generated and printed once. Admin accounts are separate
from student and recruiter accounts.

Options:
  --name <text>        the admin's full name (default "Career Office")
  --password-stdin     read the password from standard input (scripts)`,
  options: { name: { type: "string" }, "password-stdin": { type: "boolean", default: false } },
  async run({ values, positionals }, ctx) {
    const raw = positionals[0];
    if (!raw || positionals.length > 1) throw new UsageError("admin create takes exactly one e-mail address");
    if (!z.email().safeParse(raw.trim()).success) throw new UsageError(`not an e-mail address: ${raw}`);
    const email = normalizeEmail(raw);
    const fullName = (typeof values.name === "string" ? values.name : "Career Office").trim();
    if (!fullName || fullName.length > 120) throw new UsageError("--name must be 1 to 120 characters");
    const existing = query<{ role: string }>(ctx.target, `SELECT role FROM users WHERE email = ${lit(email)}`)[0];
    if (existing) throw new Refused(existing.role === "admin" ? `${email} is already an admin.` : `${email} belongs to a ${existing.role} account; an admin needs its own address.`);
    let password = "";
    if (values["password-stdin"] === true) password = await readStdin();
    else if (process.stdin.isTTY && !ctx.json) {
      password = await promptHidden(`Password for ${email} (empty: generate one): `);
      if (password && (await promptHidden("Again: ")) !== password) throw new UsageError("the two passwords differ; nothing was written");
    }
    const generated = !password;
    if (generated) password = randomBytes(15).toString("base64url");
    if (password.length < MIN_PASSWORD) throw new UsageError(`the password must have at least ${MIN_PASSWORD} characters; nothing was written`);
    const id = randomUUID();
    const now = nowIso();
    await executeFile(
      ctx.target,
      [
        insert("users", { id, email, password_hash: await hashPassword(password), role: "admin", full_name: fullName, email_verified: true, created_at: now, updated_at: now }),
        auditSql(ctx.actor, { action: "admin.create", targetType: "user", targetId: id, after: { email, fullName, role: "admin" } }),
      ].join("\n"),
    );
    if (ctx.json) return printJson({ id, email, fullName, ...(generated ? { password } : {}) });
    print(`Created admin ${email} (${id}).`);
    if (generated) print(`Password (shown once, store it now): ${password}`);
  },
};
