// The student's standing for this event: why they book from phase 2, and where to appeal.
import { useEffect, useState } from "preact/hooks";
import type { Priority } from "../../../worker/domain/contract.ts";
import { get } from "./api.ts";

export function usePriority(): Priority | null {
  const [p, setP] = useState<Priority | null>(null);
  useEffect(() => {
    get<{ priority: Priority }>("/profile/priority")
      .then((r) => setP(r.priority))
      .catch(() => setP(null));
  }, []);
  return p;
}
