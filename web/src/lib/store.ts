// A tiny observable value and its hook: enough shared state for this site without a library.
import { useEffect, useState } from "preact/hooks";

export interface Store<T> {
  get(): T;
  set(v: T): void;
  subscribe(f: () => void): () => void;
}

export function store<T>(initial: T): Store<T> {
  let value = initial;
  const subs = new Set<() => void>();
  return {
    get: () => value,
    set(v) {
      if (Object.is(v, value)) return;
      value = v;
      subs.forEach((f) => f());
    },
    subscribe(f) {
      subs.add(f);
      return () => subs.delete(f);
    },
  };
}

export function useStore<T>(s: Store<T>): T {
  const [, force] = useState(0);
  useEffect(() => {
    const seen = s.get();
    const off = s.subscribe(() => force((n) => n + 1));
    // A change between render and subscription must not be missed.
    if (!Object.is(seen, s.get())) force((n) => n + 1);
    return off;
  }, [s]);
  return s.get();
}

/** localStorage that never throws (private mode, quota, disabled storage). */
export const saved = {
  get<T>(key: string): T | null {
    try {
      const raw = localStorage.getItem(key);
      return raw === null ? null : (JSON.parse(raw) as T);
    } catch {
      return null;
    }
  },
  set(key: string, value: unknown) {
    try {
      if (value === null || value === undefined) localStorage.removeItem(key);
      else localStorage.setItem(key, JSON.stringify(value));
    } catch {
      /* storage unavailable: the site still works, it just forgets */
    }
  },
};
