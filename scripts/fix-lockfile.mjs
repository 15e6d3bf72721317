// npm 11 writes only the platform packages the mirror has; add stub entries for the other
// platforms optional dependencies so that `npm ci` accepts the lockfile everywhere.
import fs from 'node:fs';
const lock = JSON.parse(fs.readFileSync('package-lock.json','utf8'));
const pk = lock.packages;
const osOf = n => n.includes('darwin') ? ['darwin'] : n.includes('windows') || n.includes('win32') ? ['win32'] : n.includes('linux') ? ['linux'] : null;
const cpuOf = n => /arm64/.test(n) ? ['arm64'] : ['x64'];
let added = [];
for (const [path, meta] of Object.entries(pk)) {
  for (const [dep, ver] of Object.entries(meta.optionalDependencies ?? {})) {
    // resolve like node: nested first, then parents
    let base = path; let found = false;
    while (true) {
      const cand = (base ? base + '/' : '') + 'node_modules/' + dep;
      if (pk[cand]) { found = true; break; }
      if (!base) break;
      const i = base.lastIndexOf('/node_modules/');
      base = i < 0 ? '' : base.slice(0, i);
    }
    if (!found) {
      const target = (path ? path + '/' : '') + 'node_modules/' + dep;
      pk[target] = { version: ver, dev: meta.dev, optional: true, os: osOf(dep), cpu: cpuOf(dep) };
      added.push(target);
    }
  }
}
fs.writeFileSync('package-lock.json', JSON.stringify(lock, null, 2) + '\n');
console.log(added);
