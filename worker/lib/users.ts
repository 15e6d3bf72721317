import type { User } from "../domain/contract.ts";
import type { users } from "../db/schema.ts";
import type { AuthUser } from "../env.ts";

export type UserRow = typeof users.$inferSelect;

export const toUser = (u: UserRow): User => ({
  id: u.id,
  email: u.email,
  fullName: u.fullName,
  role: u.role,
  deprioritized: u.deprioritized,
  companyId: u.companyId,
  emailVerified: u.emailVerified,
});

export const toAuthUser = (u: UserRow): AuthUser => ({
  id: u.id,
  email: u.email,
  role: u.role,
  fullName: u.fullName,
  companyId: u.companyId,
  emailVerified: u.emailVerified,
  tokenVersion: u.tokenVersion,
});

export const normalizeEmail = (e: string) => e.trim().toLowerCase();
