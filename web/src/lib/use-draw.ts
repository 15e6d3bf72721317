// The event's draws (public: commitments, seeds, status) and the student's own results (issue #13).
import { useEffect } from "preact/hooks";
import type { DrawInfo, MyDraw } from "../../../worker/domain/contract.ts";
import { get } from "./api.ts";
import { loadBookings } from "./bookings.ts";
import { store, useStore } from "./store.ts";
import { useLoad } from "./use-load.ts";

export const draws = store<DrawInfo[] | null>(null);

export async function loadDraws(): Promise<void> {
  try {
    draws.set((await get<{ draws: DrawInfo[] }>("/draw")).draws);
  } catch {
    /* the pages keep what they had */
  }
}

/** The public draws; refreshed every few seconds while one runs (its status and seed change then), else every half minute. */
export function useDraws(): DrawInfo[] | null {
  const list = useStore(draws);
  const running = list?.some((d) => d.status === "running") ?? false;
  useEffect(() => {
    void loadDraws();
    const id = setInterval(() => void loadDraws(), running ? 3000 : 30_000);
    return () => clearInterval(id);
  }, [running]);
  return list;
}

/** The student's results in every finished draw (and their bookings, which the draw added to). */
export function useMyDraw(): { results: MyDraw[] | null; error: unknown; reload: () => void } {
  const { data, error, reload } = useLoad<{ draws: MyDraw[] }>("/draw/me");
  useEffect(() => void loadBookings(), []);
  return { results: data?.draws ?? null, error, reload };
}

/** What anyone runs to check a draw against the published export. */
export const verifyCommand = (phase: number, seed: string) => `npm run event -- draw verify --phase ${phase} --seed ${seed} --wishes draw-phase${phase}.csv --offline`;
