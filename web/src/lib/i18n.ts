// French by default, English on request; the choice is remembered in localStorage.
import { saved, store, useStore } from "./store.ts";
import { fr, type Strings } from "./strings-fr.ts";
import { en } from "./strings-en.ts";

export type Lang = "fr" | "en";
export type Key = keyof Strings;

const initial: Lang = saved.get<Lang>("inf.lang") === "en" ? "en" : "fr";
export const lang = store<Lang>(initial);

function apply(l: Lang) {
  document.documentElement.lang = l;
}
apply(initial);

export function setLang(l: Lang) {
  saved.set("inf.lang", l);
  apply(l);
  lang.set(l);
}

const dict = { fr, en };

export function t(key: Key, params?: Record<string, string | number>): string {
  const s: string = dict[lang.get()][key] ?? fr[key] ?? key;
  return params ? s.replace(/\{(\w+)\}/g, (m, k: string) => (k in params ? String(params[k]) : m)) : s;
}

/** Re-renders the caller when the language changes; returns the translator. */
export function useT() {
  useStore(lang);
  return t;
}

export const plural = (n: number, one: Key, many: Key) => t(n === 1 ? one : many, { n });
