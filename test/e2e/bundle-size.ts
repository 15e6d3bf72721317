// The JavaScript a student downloads: the entry chunk and its static imports (what index.html
// loads), gzipped; lazy chunks (recruiter, admin) listed apart. `npm run size:web` prints it.
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { ROOT } from "./app.ts";

const DIST = join(ROOT, "web/dist");
const gz = (file: string) => gzipSync(readFileSync(join(DIST, "assets", file)), { level: 9 }).byteLength;

export function studentBundle() {
  const html = readFileSync(join(DIST, "index.html"), "utf8");
  const eager = new Set([...html.matchAll(/(?:src|href)="\/assets\/([^"]+\.js)"/g)].map((m) => m[1]!));
  // Static imports of the eager chunks are eager too.
  for (const f of [...eager])
    for (const m of readFileSync(join(DIST, "assets", f), "utf8").matchAll(/(?:^|[;\n}])import\s*(?:[\w{}$,\s*]+from\s*)?"\.\/([^"]+\.js)"/g)) eager.add(m[1]!);
  const all = readdirSync(join(DIST, "assets"));
  const js = all.filter((f) => f.endsWith(".js"));
  return {
    studentFiles: [...eager],
    studentGzip: [...eager].reduce((a, f) => a + gz(f), 0),
    lazy: js.filter((f) => !eager.has(f)).map((file) => ({ file, gzip: gz(file) })),
    cssGzip: all.filter((f) => f.endsWith(".css")).reduce((a, f) => a + gz(f), 0),
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const b = studentBundle();
  const kb = (n: number) => `${(n / 1024).toFixed(1)} kB`;
  console.log(`student pages JS (gzip -9): ${kb(b.studentGzip)}  [${b.studentFiles.join(", ")}]`);
  for (const l of b.lazy) console.log(`lazy chunk ${l.file}: ${kb(l.gzip)}`);
  console.log(`CSS (gzip -9): ${kb(b.cssGzip)}`);
}
