// Unsaved form input survives a reload: a draft per form, autosaved to localStorage.
import { useEffect, useRef, useState } from "preact/hooks";
import { saved } from "./store.ts";

/**
 * Form state seeded from the stored draft (if any) or from `initial`. `clear()` after a
 * successful save; `restored` tells the page to say so.
 */
export function useDraft<T extends object>(key: string, initial: T | null) {
  const stored = useRef(saved.get<T>(`inf.draft.${key}`));
  const [value, setValue] = useState<T | null>(stored.current ?? initial);
  const [restored, setRestored] = useState(stored.current !== null);
  useEffect(() => {
    if (value === null && initial !== null) setValue(initial);
  }, [initial]);
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const update = (patch: Partial<T>) => {
    setValue((v) => {
      const next = { ...(v ?? initial ?? ({} as T)), ...patch } as T;
      clearTimeout(timer.current);
      timer.current = setTimeout(() => saved.set(`inf.draft.${key}`, next), 300);
      return next;
    });
  };
  const clear = (next?: T) => {
    clearTimeout(timer.current);
    saved.set(`inf.draft.${key}`, null);
    setRestored(false);
    if (next) setValue(next);
  };
  return { value, update, clear, restored, discard: () => clear(initial ?? undefined) };
}
