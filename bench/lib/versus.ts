// `--versus REF`: the same workload against the Worker of another commit, in the same invocation,
// alternating with ours run by run, so that a change is measured before and after on the same
// machine at the same time (its speed drifts with the other jobs on it). The commit's tree is
// exported with `git archive` (the repository itself is not touched) and bundled by wrangler.
import { execFileSync } from "node:child_process";
import { existsSync, symlinkSync } from "node:fs";
import { join } from "node:path";
import { ROOT, STATE_DIR, buildWorker, freshDir } from "./app.ts";

export interface Versus {
  ref: string;
  sha: string;
  bundle: string;
}

export function buildVersus(ref: string): Versus {
  const sha = execFileSync("git", ["rev-parse", "--verify", `${ref}^{commit}`], { cwd: ROOT, encoding: "utf8" }).trim();
  const dir = freshDir(join(STATE_DIR, `versus-${sha.slice(0, 12)}`));
  execFileSync("sh", ["-c", `git archive ${sha} | tar -x -C "${dir}"`], { cwd: ROOT });
  if (!existsSync(join(dir, "node_modules"))) symlinkSync(join(ROOT, "node_modules"), join(dir, "node_modules"));
  return { ref, sha, bundle: buildWorker(join(dir, ".bundle"), join(dir, "wrangler.toml")) };
}
