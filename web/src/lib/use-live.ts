// Hooks over the live seats (live.ts): a component watches what it shows while it is mounted.
import { useEffect } from "preact/hooks";
import type { Interest } from "./tabs.ts";
import { liveMode, liveStats, liveVersion, liveView, watchLive } from "./live.ts";
import { useStore } from "./store.ts";

/** Watches while mounted; re-renders on every change of the live view. Returns the view. */
export function useLive(want: Partial<Interest>) {
  const key = JSON.stringify(want);
  useEffect(() => watchLive(want), [key]);
  useStore(liveVersion);
  return liveView;
}

export const useLiveMode = () => useStore(liveMode);
export const useLiveStats = () => useStore(liveStats);
