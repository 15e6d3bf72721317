// RFC 4180 CSV; cells that a spreadsheet would run as a formula are prefixed with a quote. Pure:
// the Worker's exports, the CLI and the site all write CSV with it.
const cell = (v: unknown): string => {
  let s = v === null || v === undefined ? "" : String(v);
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
};

export const toCsv = (header: string[], rows: unknown[][]): string =>
  [header, ...rows].map((r) => r.map(cell).join(",")).join("\r\n") + "\r\n";
