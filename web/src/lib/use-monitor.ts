// The career office's live monitor: the metrics, re-read when the live channel says something
// changed (a seat, the phase, the kill switch; at most every 2 s) and every 30 s for what moves
// without a seat (refused attempts, response times); the live connection count comes through
// the socket as it changes.
import { useEffect, useRef, useState } from "preact/hooks";
import type { MetricsResponse } from "../../../worker/domain/contract.ts";
import { get } from "./api.ts";
import { liveVersion } from "./live.ts";
import { useStore } from "./store.ts";
import { useLive, useLiveMode, useLiveStats } from "./use-live.ts";

const AT_MOST_EVERY_MS = 2_000;
const ANYWAY_EVERY_MS = 30_000;

export function useMonitor() {
  const [data, setData] = useState<MetricsResponse | null>(null);
  const [error, setError] = useState<unknown>(null);
  useLive({ catalogue: true, stats: true });
  const version = useStore(liveVersion);
  const stats = useLiveStats();
  const mode = useLiveMode();
  const last = useRef(0);
  const later = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const stop = useRef(false);

  const load = () => {
    clearTimeout(later.current);
    last.current = Date.now();
    get<MetricsResponse>("/admin/metrics")
      .then((d) => {
        if (stop.current) return;
        setData(d);
        setError(null);
      })
      .catch((e) => !stop.current && setError(e));
  };
  useEffect(() => {
    stop.current = false;
    const id = setInterval(load, ANYWAY_EVERY_MS);
    return () => {
      stop.current = true;
      clearInterval(id);
      clearTimeout(later.current);
    };
  }, []);
  useEffect(() => {
    const wait = last.current + AT_MOST_EVERY_MS - Date.now();
    if (wait <= 0) load();
    else {
      clearTimeout(later.current);
      later.current = setTimeout(load, wait);
    }
  }, [version]);

  return { data, error, live: stats ?? data?.live ?? null, mode };
}
