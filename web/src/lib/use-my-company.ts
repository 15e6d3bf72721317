// The recruiter's company (profile, verification) and its offers.
import { useEffect, useState } from "preact/hooks";
import type { Company, MyCompany, Offer } from "../../../worker/domain/contract.ts";
import { api, get } from "./api.ts";

export function useMyCompany() {
  const [me, setMe] = useState<MyCompany | null>(null);
  const [error, setError] = useState<unknown>(null);
  const load = () =>
    get<MyCompany>("/company")
      .then(setMe)
      .catch(setError);
  useEffect(() => void load(), []);
  const saveProfile = async (patch: { name: string; description: string; website: string; booth: string; note: string }) => {
    const r = await api<{ company: Company }>("PATCH", "/company", patch);
    setMe((m) => m && { ...m, company: r.company });
    return r.company;
  };
  return { me, error, reload: load, saveProfile };
}

export type OfferBody = Pick<Offer, "title" | "description" | "location" | "contractType" | "tags">;

export function useOffers() {
  const [offers, setOffers] = useState<Offer[] | null>(null);
  const load = () => get<{ offers: Offer[] }>("/company/offers").then((r) => setOffers(r.offers));
  useEffect(() => void load().catch(() => setOffers([])), []);
  return {
    offers,
    /** Creates the offer, or updates it when `id` is given. */
    save: async (id: string | null, body: OfferBody) => {
      if (id) await api("PATCH", `/company/offers/${id}`, body);
      else await api("POST", "/company/offers", body);
      await load();
    },
    remove: async (id: string) => {
      await api("DELETE", `/company/offers/${id}`);
      await load();
    },
  };
}
