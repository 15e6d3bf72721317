// The catalogue (verified companies, their offers and free seats), kept in localStorage so that a
// return visit paints at once; live totals are laid over it by useCatalogue.
import type { CatalogueCompany } from "../../../worker/domain/contract.ts";
import { get } from "./api.ts";
import { saved, store } from "./store.ts";

const KEY = "inf.catalogue";
export const catalogue = store<CatalogueCompany[] | null>(saved.get<CatalogueCompany[]>(KEY));
export const catalogueError = store(false);

export async function loadCatalogue() {
  try {
    const list = (await get<{ companies: CatalogueCompany[] }>("/companies")).companies;
    saved.set(KEY, list);
    catalogue.set(list);
    catalogueError.set(false);
  } catch {
    catalogueError.set(true);
  }
}

export const companyName = (id: string) => catalogue.get()?.find((c) => c.id === id)?.name ?? "";
