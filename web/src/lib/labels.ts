// Labels of the contract's values in the reader's language, shared by the pages.
import { CONTRACT_TYPES } from "../../../worker/domain/offers.ts";
import { t, type Key } from "./i18n.ts";

export const contractLabel = (c: string) => ((CONTRACT_TYPES as readonly string[]).includes(c) ? t(`contract.${c}` as Key) : c);

/** A booking attempt's outcome ("ok" or an error code). */
export const codeLabel = (c: string) => {
  const k = `code.${c}` as Key;
  const s = t(k);
  return s === k ? c : s;
};
