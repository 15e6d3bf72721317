// The catalogue page's data: the cached list with the live free-seat totals laid over it, and the
// filters (tag, company, contract type, free text) with the counts each choice would show.
import { useMemo, useState } from "preact/hooks";
import type { CatalogueCompany, Offer } from "../../../worker/domain/contract.ts";
import { catalogue, catalogueError, loadCatalogue } from "./catalogue.ts";
import { useLive } from "./use-live.ts";
import { useStore } from "./store.ts";

export interface Card {
  company: CatalogueCompany;
  offer: Offer | null;
}

export function useCatalogue() {
  const list = useStore(catalogue);
  const failed = useStore(catalogueError);
  const live = useLive({ catalogue: true });
  const withLive = list?.map((c) => {
    const free = live.companies.get(c.id)?.free;
    return free === undefined || free === c.freeSeats ? c : { ...c, freeSeats: free };
  });
  return { list: withLive ?? null, failed, reload: loadCatalogue };
}

const norm = (s: string) => s.normalize("NFD").replace(/\p{M}/gu, "").toLowerCase();

export function useOfferFilters(list: CatalogueCompany[] | null) {
  const [q, setQ] = useState("");
  const [tag, setTag] = useState("");
  const [contract, setContract] = useState("");
  const [company, setCompany] = useState("");
  const cards = useMemo<Card[]>(
    () => (list ?? []).flatMap<Card>((c) => (c.offers.length ? c.offers.map((o) => ({ company: c, offer: o })) : [{ company: c, offer: null }])),
    [list],
  );
  const matches = (card: Card, skip: "tag" | "contract" | "none" = "none") => {
    const o = card.offer;
    if (company && card.company.id !== company) return false;
    if (skip !== "tag" && tag && !o?.tags.includes(tag)) return false;
    if (skip !== "contract" && contract && o?.contractType !== contract) return false;
    if (q) {
      const needle = norm(q.trim());
      const hay = [card.company.name, card.company.description, o?.title ?? "", o?.description ?? "", o?.location ?? "", ...(o?.tags ?? [])].map(norm);
      if (!hay.some((h) => h.includes(needle))) return false;
    }
    return true;
  };
  const shown = cards.filter((c) => matches(c));
  // Counts next to each filter value: how many offers you would see by picking it.
  const tagCounts = new Map<string, number>();
  for (const c of cards) if (matches(c, "tag")) for (const tg of c.offer?.tags ?? []) tagCounts.set(tg, (tagCounts.get(tg) ?? 0) + 1);
  const contractCounts = new Map<string, number>();
  for (const c of cards) if (matches(c, "contract") && c.offer) contractCounts.set(c.offer.contractType, (contractCounts.get(c.offer.contractType) ?? 0) + 1);
  return {
    q,
    setQ,
    tag,
    setTag,
    contract,
    setContract,
    company,
    setCompany,
    shown,
    tagCounts,
    allTags: [...new Set(cards.flatMap((c) => c.offer?.tags ?? []))].sort(),
    contractCounts,
    contracts: [...new Set(cards.flatMap((c) => (c.offer ? [c.offer.contractType] : [])))].sort(),
    companiesShown: new Set(shown.map((c) => c.company.id)).size,
    filtered: Boolean(q || tag || contract || company),
    reset: () => {
      setQ("");
      setTag("");
      setContract("");
      setCompany("");
    },
  };
}
