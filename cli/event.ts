// `npm run event -- <command>`: the yearly cycle of the INF event on wrangler (README "Yearly
// checklist"). Local D1 by default, production with --remote; --help on every command.
import { fileURLToPath } from "node:url";
import { adminCreate } from "./commands/admin.ts";
import { backup, restore } from "./commands/backup.ts";
import { close, open, status } from "./commands/booking.ts";
import { drawExport, drawRun, drawStatus, drawVerify } from "./commands/draw.ts";
import { exportCmd } from "./commands/export.ts";
import { companiesInvite, userCommands } from "./commands/accounts.ts";
import { companiesImport, studentsDeprioritized, studentsRoster } from "./commands/imports.ts";
import { init } from "./commands/init.ts";
import { erase, retention } from "./commands/privacy.ts";
import { reconcile } from "./commands/reconcile.ts";
import { secretRotate } from "./commands/secret.ts";
import { slotsGenerate } from "./commands/slots.ts";
import { COMMON_HELP, type Command, Refused, UsageError, contextOf, parse } from "./lib/cli.ts";

export const COMMANDS: Command[] = [
  init, companiesImport, companiesInvite, studentsDeprioritized, studentsRoster, adminCreate, ...userCommands, slotsGenerate, open, close, status,
  drawStatus, drawRun, drawExport, drawVerify,
  exportCmd, backup, restore, reconcile, erase, retention, secretRotate,
];

const HELP = `INF yearly cycle, on wrangler.  Usage: npm run event -- <command> [options]

${COMMANDS.map((c) => `  ${c.name.padEnd(24)} ${c.summary}`).join("\n")}

${COMMON_HELP}

npm run event -- <command> --help   shows a command's options. See README "Yearly checklist".`;

/** The command named by the first one or two words. */
function pick(argv: string[]): { command: Command; rest: string[] } | null {
  for (const words of [2, 1]) {
    const name = argv.slice(0, words).join(" ");
    const command = COMMANDS.find((c) => c.name === name);
    if (command) return { command, rest: argv.slice(words) };
  }
  return null;
}

export async function main(argv: string[]): Promise<number> {
  if (!argv.length || argv[0] === "--help" || argv[0] === "-h" || argv[0] === "help") {
    console.log(HELP);
    return argv.length ? 0 : 2;
  }
  const found = pick(argv);
  if (!found) {
    const group = COMMANDS.filter((c) => c.name.startsWith(`${argv[0]} `));
    if (group.length && (argv.length === 1 || argv[1]?.startsWith("-"))) {
      console.log(`${argv[0]}: one of\n${group.map((c) => `  ${c.name.padEnd(24)} ${c.summary}`).join("\n")}`);
      return argv.includes("--help") || argv.includes("-h") ? 0 : 2;
    }
    console.error(`Unknown command: ${argv.slice(0, 2).join(" ")}\n\n${HELP}`);
    return 2;
  }
  const { command, rest } = found;
  try {
    const args = parse(rest, command.options);
    if (args.values.help) {
      console.log(`${command.usage}\n\n${COMMON_HELP}`);
      return 0;
    }
    await command.run(args, contextOf(args.values));
    return typeof process.exitCode === "number" ? process.exitCode : 0;
  } catch (err) {
    if (err instanceof UsageError) {
      console.error(`${command.name}: ${err.message}\n(npm run event -- ${command.name} --help)`);
      return 2;
    }
    if (err instanceof Refused) {
      if (rest.includes("--json") && err.details !== undefined) console.log(JSON.stringify({ error: err.message, details: err.details }, null, 2));
      else if (err.details && typeof err.details === "object" && "rejected" in err.details) printRejected(err.details as { rejected: { line: number; reason: string }[] });
      console.error(`${command.name}: ${err.message}`);
      return 1;
    }
    console.error(`${command.name} failed: ${err instanceof Error ? err.message : String(err)}`);
    return 1;
  }
}

function printRejected(d: { rejected: { line: number; reason: string }[] }) {
  console.error(d.rejected.map((r) => `  line ${r.line}: ${r.reason}`).join("\n"));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  // `npm run` starts a script in the package root; file arguments are relative to where the user
  // typed the command (npm's INIT_CWD), as with any other command-line tool.
  if (process.env.npm_lifecycle_event === "event" && process.env.INIT_CWD) process.chdir(process.env.INIT_CWD);
  process.exitCode = await main(process.argv.slice(2));
}
