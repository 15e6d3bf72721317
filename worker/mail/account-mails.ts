// The account mails (verify, already registered, reset, invitation) with their dedupe keys.
import type { Lang } from "../domain/contract.ts";
import type { Mail } from "./types.ts";

interface To {
  id: string;
  email: string;
  fullName: string;
  lang: Lang;
}

export const verifyMail = (u: To, origin: string, token: { token: string; hash: string }): Mail => ({
  kind: "verify",
  to: u.email,
  lang: u.lang,
  data: { name: u.fullName, link: `${origin}/verify?token=${token.token}` },
  dedupeKey: `verify:${token.hash}`,
});

/** At most one per ten minutes: someone signing up again and again with a known address. */
export const accountExistsMail = (u: To, origin: string, now = Date.now()): Mail => ({
  kind: "account_exists",
  to: u.email,
  lang: u.lang,
  data: { name: u.fullName, loginLink: `${origin}/login`, resetLink: `${origin}/forgot-password` },
  dedupeKey: `account-exists:${u.id}:${Math.floor(now / 600_000)}`,
});

export const resetMail = (u: To, origin: string, token: { token: string; hash: string }): Mail => ({
  kind: "reset",
  to: u.email,
  lang: u.lang,
  data: { name: u.fullName, link: `${origin}/reset-password?token=${token.token}` },
  dedupeKey: `reset:${token.hash}`,
});

export const invitationMail = (inv: { id: string; email: string; expiresAt: string }, companyName: string, lang: Lang, origin: string, token: string): Mail => ({
  kind: "invitation",
  to: inv.email,
  lang,
  data: { companyName, link: `${origin}/invite?token=${token}`, expiresAt: inv.expiresAt },
  dedupeKey: `invitation:${inv.id}`,
});

/** Links in mails point at the site the request came to. */
export const originOf = (url: string) => new URL(url).origin;

/** The language of a person we have no account for yet: the browser's, French by default. */
export const langOf = (acceptLanguage: string | undefined, fallback: Lang = "fr"): Lang => {
  const first = acceptLanguage?.split(",")[0]?.trim().slice(0, 2).toLowerCase();
  return first === "en" ? "en" : first === "fr" ? "fr" : fallback;
};
