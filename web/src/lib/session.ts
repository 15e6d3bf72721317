// Who is logged in. The last known user is kept in localStorage so the first render never waits
// for the API; /api/me confirms it (the session itself is the httpOnly cookie).
import type { AcceptedResponse, AuthResponse, Lang, User } from "../../../worker/domain/contract.ts";
import { api, currentSessionEpoch, sessionChanged, setUnauthenticatedHandler } from "./api.ts";
import { saved, store } from "./store.ts";

const KEY = "inf.user";
export const session = store<User | null>(saved.get<User>(KEY));

function remember(u: User | null) {
  saved.set(KEY, u);
  session.set(u);
}

setUnauthenticatedHandler(() => remember(null));

/** The server set or cleared the session cookie: answers to requests sent before no longer speak for it. */
function changed(u: User | null) {
  sessionChanged();
  remember(u);
}

/** Asks the server who the cookie belongs to (the cached user may be stale, or missing). */
export async function refreshSession(): Promise<void> {
  try {
    const epoch = currentSessionEpoch();
    const { user } = await api<{ user: User }>("GET", "/me");
    if (epoch === currentSessionEpoch()) remember(user);
  } catch {
    /* 401 already forgot the user; a network error keeps the cached one */
  }
}

export async function login(email: string, password: string): Promise<User> {
  const r = await api<AuthResponse>("POST", "/auth/login", { email, password });
  changed(r.user);
  return r.user;
}

/** 202 whether or not the address is known: the next step is always the inbox. */
export async function signup(body: { email: string; password: string; fullName: string; role: "student" | "company"; companyName?: string; lang: Lang }): Promise<void> {
  await api<AcceptedResponse>("POST", "/auth/signup", body);
}

/** The routes that answer `{user, token}` log the person in (the cookie is set by the server). */
async function sessionFrom(path: string, body: object): Promise<User> {
  const r = await api<AuthResponse>("POST", path, body);
  changed(r.user);
  return r.user;
}

export const verifyEmail = (token: string) => sessionFrom("/auth/verify", { token });
export const resetPassword = (token: string, password: string) => sessionFrom("/auth/password/reset", { token, password });
export const acceptInvitation = (token: string, password: string, fullName: string) => sessionFrom("/auth/invitations/accept", { token, password, fullName });
export const changePassword = (currentPassword: string, newPassword: string) => sessionFrom("/me/password", { currentPassword, newPassword });
export const forgotPassword = (email: string) => api<AcceptedResponse>("POST", "/auth/password/forgot", { email });
export const resendVerification = () => api<AcceptedResponse>("POST", "/auth/verify/resend");

export async function logout(): Promise<void> {
  await api("POST", "/auth/logout").catch(() => {});
  changed(null);
}

export const homeOf = (u: User | null) => (u?.role === "admin" ? "/admin" : u?.role === "company" ? "/recruiter" : "/");
