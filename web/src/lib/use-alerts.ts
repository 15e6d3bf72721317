// The alerting of the monitor page: settings, the figures now, the latest alerts (GET
// /api/admin/alerts, refreshed every 30 s), and the office's two actions: save, send a test.
import { useCallback, useEffect, useState } from "preact/hooks";
import type { AlertSettings, AlertsResponse } from "../../../worker/domain/contract.ts";
import { api, get } from "./api.ts";

const REFRESH_MS = 30_000;

export type AlertSettingsPatch = Partial<Omit<AlertSettings, "updatedAt">>;

export function useAlerts() {
  const [data, setData] = useState<AlertsResponse | null>(null);
  const [error, setError] = useState<unknown>(null);
  const load = useCallback(
    () =>
      get<AlertsResponse>("/admin/alerts").then(
        (d) => {
          setData(d);
          setError(null);
        },
        (e: unknown) => setError(e),
      ),
    [],
  );
  useEffect(() => {
    void load();
    const id = setInterval(() => void load(), REFRESH_MS);
    return () => clearInterval(id);
  }, [load]);
  const save = async (patch: AlertSettingsPatch) => {
    const r = await api<{ settings: AlertSettings }>("PATCH", "/admin/alerts", patch);
    setData((d) => d && { ...d, settings: r.settings });
    return r.settings;
  };
  const sendTest = () => api<{ sent: boolean; error: string | null }>("POST", "/admin/alerts/test");
  return { data, error, reload: load, save, sendTest };
}
