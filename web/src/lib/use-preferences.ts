// The signed-in person's mail preferences (GET/PATCH /api/me/preferences).
import { useEffect, useState } from "preact/hooks";
import type { Preferences } from "../../../worker/domain/contract.ts";
import { api, get } from "./api.ts";

export function usePreferences() {
  const [prefs, setPrefs] = useState<Preferences | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [saved, setSaved] = useState(false);
  useEffect(() => {
    get<{ preferences: Preferences }>("/me/preferences").then((r) => setPrefs(r.preferences), setError);
  }, []);
  const save = async (patch: Partial<Preferences>) => {
    setSaved(false);
    setError(null);
    try {
      setPrefs((await api<{ preferences: Preferences }>("PATCH", "/me/preferences", patch)).preferences);
      setSaved(true);
    } catch (e) {
      setError(e);
    }
  };
  return { prefs, error, saved, save };
}
