// The browser security policy of the whole product, in one place: the API applies it through
// Hono's secureHeaders (worker/middleware/security-headers.ts) and the site's static assets through
// the `_headers` file the site build writes from `siteHeadersFile()` (web/vite.config.ts).
// The built site needs nothing inline: Vite emits external module scripts and stylesheets, Preact
// sets style properties through the CSSOM (not a `style` attribute), and the only non-self
// sources are `data:` images (the favicon, one CSS background).
//
// The live seats' WebSocket (GET /api/live) is same-origin: CSP Level 3's 'self' matches ws: on an
// http page and wss: on an https one (Chromium, Firefox, current Safari), so `connect-src 'self'`
// allows it without opening connections to any other host (a bare `wss:` would). A browser that
// still reads 'self' the CSP2 way is refused the socket, and the page follows the seats by polling.

/** Content-Security-Policy directives, Hono's camelCase spelling. */
export const CSP_DIRECTIVES: Record<string, string[]> = {
  defaultSrc: ["'self'"],
  baseUri: ["'none'"],
  objectSrc: ["'none'"],
  frameAncestors: ["'none'"],
  formAction: ["'self'"],
  connectSrc: ["'self'"],
  imgSrc: ["'self'", "data:"],
};

/** Two years, subdomains included (the HSTS preload list's minimum is one). */
export const HSTS = "max-age=63072000; includeSubDomains";
export const REFERRER_POLICY = "no-referrer";

/** Powerful features off everywhere; the camera only on the recruiter pages (QR check-in, #15). */
export const PERMISSIONS = { camera: [] as string[], microphone: [] as string[], geolocation: [] as string[], payment: [] as string[], usb: [] as string[] };
export const CAMERA_PAGES = "/recruiter*";

const kebab = (s: string) => s.replace(/([a-z\d])([A-Z])/g, "$1-$2").toLowerCase();

export const cspHeader = () =>
  Object.entries(CSP_DIRECTIVES)
    .map(([k, v]) => `${kebab(k)} ${v.join(" ")}`)
    .join("; ");

export const permissionsHeader = (p: Record<string, string[]> = PERMISSIONS) =>
  Object.entries(p)
    .map(([k, v]) => `${kebab(k)}=(${v.join(" ")})`)
    .join(", ");

/** Workers static assets' `_headers`: every page and asset, then the cache rules. */
export function siteHeadersFile(): string {
  const all = [
    ["Content-Security-Policy", cspHeader()],
    ["Strict-Transport-Security", HSTS],
    ["X-Content-Type-Options", "nosniff"],
    ["X-Frame-Options", "DENY"],
    ["Referrer-Policy", REFERRER_POLICY],
    ["Cross-Origin-Opener-Policy", "same-origin"],
    ["Permissions-Policy", permissionsHeader()],
  ];
  const rule = (path: string, lines: string[]) => `${path}\n${lines.map((l) => `  ${l}`).join("\n")}\n`;
  return [
    "# Written by the site build from worker/lib/security-policy.ts: edit that file, not this one.",
    rule("/*", all.map(([k, v]) => `${k}: ${v}`)),
    // A later rule's header is appended to an earlier one's: detach it first (`! Name`).
    rule(CAMERA_PAGES, ["! Permissions-Policy", `Permissions-Policy: ${permissionsHeader({ ...PERMISSIONS, camera: ["self"] })}`]),
    "# Hashed build files never change: browsers and the edge keep them a year; the page itself is revalidated.",
    rule("/assets/*", ["Cache-Control: public, max-age=31536000, immutable"]),
    rule("/", ["Cache-Control: no-cache"]),
    rule("/index.html", ["Cache-Control: no-cache"]),
  ].join("\n");
}
