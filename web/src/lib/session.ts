// Who is logged in. The last known user is kept in localStorage so the first render never waits
// for the API; /api/me confirms it (the session itself is the httpOnly cookie).
import type { AuthResponse, User } from "../../../worker/domain/contract.ts";
import { api, setUnauthenticatedHandler } from "./api.ts";
import { saved, store } from "./store.ts";

const KEY = "inf.user";
export const session = store<User | null>(saved.get<User>(KEY));

function remember(u: User | null) {
  saved.set(KEY, u);
  session.set(u);
}

setUnauthenticatedHandler(() => remember(null));

/** Asks the server who the cookie belongs to (the cached user may be stale, or missing). */
export async function refreshSession(): Promise<void> {
  try {
    remember((await api<{ user: User }>("GET", "/me")).user);
  } catch {
    /* 401 already forgot the user; a network error keeps the cached one */
  }
}

export async function login(email: string, password: string): Promise<User> {
  const r = await api<AuthResponse>("POST", "/auth/login", { email, password });
  remember(r.user);
  return r.user;
}

export async function signup(body: { email: string; password: string; fullName: string; role: "student" | "company"; companyName?: string }): Promise<User> {
  const r = await api<AuthResponse>("POST", "/auth/signup", body);
  remember(r.user);
  return r.user;
}

export async function logout(): Promise<void> {
  await api("POST", "/auth/logout").catch(() => {});
  remember(null);
}

export const homeOf = (u: User | null) => (u?.role === "admin" ? "/admin" : u?.role === "company" ? "/recruiter" : "/");
