// The API's share of the browser security policy (worker/lib/security-policy.ts), on every
// response: answers, errors, 404s and file downloads alike.
import { secureHeaders } from "hono/secure-headers";
import { CSP_DIRECTIVES, HSTS, PERMISSIONS, REFERRER_POLICY } from "../lib/security-policy.ts";

export const apiSecurityHeaders = secureHeaders({
  contentSecurityPolicy: CSP_DIRECTIVES,
  strictTransportSecurity: HSTS,
  referrerPolicy: REFERRER_POLICY,
  xFrameOptions: "DENY",
  permissionsPolicy: PERMISSIONS,
});
