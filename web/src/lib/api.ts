// The one way the site talks to the Worker: the HTTP contract of DESIGN.md, JSON in and out.
import type { ErrorCode } from "../../../worker/domain/contract.ts";

export class ApiFailure extends Error {
  constructor(
    readonly status: number,
    readonly code: ErrorCode | "network",
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
}

/** Called on a 401, so the session store can forget a stale user. */
let onUnauthenticated: () => void = () => {};
export const setUnauthenticatedHandler = (f: () => void) => (onUnauthenticated = f);

/**
 * Counts the session changes this page made (login, logout). An answer to a request sent before
 * the latest says nothing about the session now: the login page's own `/me`, sent before the login
 * and answered 401 after it on a slow network, used to log the person out right after they logged in.
 */
let sessionEpoch = 0;
export const sessionChanged = () => void sessionEpoch++;
export const currentSessionEpoch = () => sessionEpoch;

export async function request(method: string, path: string, body?: BodyInit | object, headers: Record<string, string> = {}): Promise<Response> {
  const h: Record<string, string> = { accept: "application/json", ...headers };
  let payload: BodyInit | undefined;
  if (body instanceof Blob || body instanceof ArrayBuffer || typeof body === "string") payload = body;
  else if (body !== undefined) {
    payload = JSON.stringify(body);
    h["content-type"] = "application/json";
  }
  const epoch = sessionEpoch;
  let res: Response;
  try {
    res = await fetch(`/api${path}`, { method, headers: h, body: payload, credentials: "same-origin" });
  } catch (e) {
    throw new ApiFailure(0, "network", e instanceof Error ? e.message : "network error");
  }
  if (!res.ok) {
    const data = (await res.json().catch(() => null)) as { error?: { code?: ErrorCode; message?: string; details?: unknown } } | null;
    if (res.status === 401 && epoch === sessionEpoch) onUnauthenticated();
    throw new ApiFailure(res.status, data?.error?.code ?? "internal", data?.error?.message ?? res.statusText, data?.error?.details);
  }
  return res;
}

export async function api<T>(method: string, path: string, body?: BodyInit | object, headers?: Record<string, string>): Promise<T> {
  const res = await request(method, path, body, headers);
  return (res.status === 204 ? undefined : await res.json()) as T;
}

export const get = <T,>(path: string) => api<T>("GET", path);

/** Field messages of a validation_failed answer, keyed by path. */
export function fieldMessages(e: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (e instanceof ApiFailure && Array.isArray(e.details))
    for (const d of e.details as { path?: string; message?: string }[]) if (d.path && !(d.path in out)) out[d.path] = d.message ?? "";
  return out;
}

/** Saves a response as a file (CV, CSV, calendar): works with the session cookie or none. */
export async function downloadFrom(path: string, fallbackName: string): Promise<void> {
  const res = await request("GET", path, undefined, { accept: "*/*" });
  const name = /filename="([^"]+)"/.exec(res.headers.get("content-disposition") ?? "")?.[1] ?? fallbackName;
  saveBlob(await res.blob(), name);
}

export function saveBlob(blob: Blob, name: string) {
  const url = URL.createObjectURL(blob);
  const a = document.createElement("a");
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
