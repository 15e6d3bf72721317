// `secret rotate`: a new JWT signing secret for the year (every session of last year stops
// working). Production: `wrangler secret put JWT_SECRET`, fed on stdin; locally: .dev.vars.
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { type Command, UsageError, print, printJson, progress } from "../lib/cli.ts";
import { auditSql } from "../lib/d1.ts";
import { ROOT, executeFile } from "../lib/wrangler.ts";

function putRemote(name: string, value: string): Promise<void> {
  return new Promise((ok, fail) => {
    const child = spawn(process.execPath, [join(ROOT, "node_modules/wrangler/bin/wrangler.js"), "secret", "put", name], {
      cwd: ROOT,
      env: { ...process.env, WRANGLER_SEND_METRICS: "false", CLOUDFLARE_CF_FETCH_ENABLED: "false" },
      stdio: ["pipe", "inherit", "inherit"],
    });
    child.on("error", fail);
    child.on("exit", (code) => (code === 0 ? ok() : fail(new Error(`wrangler secret put ${name} exited with ${code}`))));
    child.stdin.end(value);
  });
}

export const secretRotate: Command = {
  name: "secret rotate",
  summary: "a new session-signing secret (JWT_SECRET): everyone logs in again",
  usage: `npm run event -- secret rotate [--dev-vars <file>]

Generates 32 random bytes. With --remote: \`wrangler secret put JWT_SECRET\` (the Worker restarts
with it). Locally: rewrites JWT_SECRET in .dev.vars (restart \`npm start\`). The secret itself is
never printed nor logged; the audit log records that it changed.

Options:
  --dev-vars <file>   the local secrets file (default .dev.vars)`,
  options: { "dev-vars": { type: "string" } },
  async run({ values, positionals }, ctx) {
    if (positionals.length) throw new UsageError("secret rotate takes no argument");
    const secret = randomBytes(32).toString("base64url");
    const done = progress(ctx.target.remote ? "wrangler secret put JWT_SECRET" : "writing JWT_SECRET");
    let where: string;
    if (ctx.target.remote) {
      await putRemote("JWT_SECRET", secret);
      where = "the production Worker";
    } else {
      const file = (values["dev-vars"] as string | undefined) ?? join(ROOT, ".dev.vars");
      const lines = existsSync(file) ? readFileSync(file, "utf8").split("\n").filter((l) => l && !l.startsWith("JWT_SECRET=")) : [];
      writeFileSync(file, [...lines, `JWT_SECRET=${secret}`, ""].join("\n"), { mode: 0o600 });
      where = file;
    }
    done();
    await executeFile(ctx.target, auditSql(ctx.actor, { action: "secret.rotate", targetType: "secret", targetId: "JWT_SECRET", after: { where } }));
    if (ctx.json) return printJson({ rotated: "JWT_SECRET", where });
    print(`JWT_SECRET rotated in ${where}: every session signed with the old one is now invalid.`);
  },
};
