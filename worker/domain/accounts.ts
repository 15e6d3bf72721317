// Who may sign up as a student (issue #12): pure, used by the signup route, tested directly.

/** The domain of an address, lower-cased. */
export const emailDomain = (email: string) => email.slice(email.lastIndexOf("@") + 1).toLowerCase();

/**
 * An address may sign up as a student when it is on the roster, or in one of the configured domains
 * (a subdomain counts: `bob@info.school.be` is in `school.be`). With neither domains nor a roster
 * configured, anyone may (the platform's behaviour before #12).
 */
export function studentEmailAllowed(email: string, domains: readonly string[], roster: { inUse: boolean; listed: boolean }): boolean {
  if (roster.listed) return true;
  if (!domains.length) return !roster.inUse;
  const d = emailDomain(email);
  return domains.some((allowed) => d === allowed || d.endsWith(`.${allowed}`));
}
