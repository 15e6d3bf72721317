// Bindings that only local runs set (never in wrangler.toml, so `wrangler types` cannot see them).
interface Env {
  /** "1" under `npm start` and the tests: mails go to the local inbox and GET /api/dev/mail answers. */
  DEV_MAILBOX?: string;
}
