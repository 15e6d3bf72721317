// The career office's fairness page (issue #13): the figures per phase, a dry run or a real run of
// a phase's draw, and the choice of draw or first come, first served per phase.
import { useState } from "preact/hooks";
import type { DrawSummary, FairnessResponse, PublicEvent } from "../../../worker/domain/contract.ts";
import { api } from "./api.ts";
import { event as eventStore } from "./event.ts";
import { useLoad } from "./use-load.ts";

export function useFairness() {
  const { data, error, reload } = useLoad<FairnessResponse>("/admin/fairness");
  /** The last dry run of each phase, shown in place of a draw not run yet. */
  const [dry, setDry] = useState<Partial<Record<1 | 2, DrawSummary>>>({});

  const run = async (phase: 1 | 2, dryRun: boolean): Promise<DrawSummary> => {
    const { summary } = await api<{ summary: DrawSummary }>("POST", `/admin/draw/${phase}/run`, { dryRun });
    if (dryRun) setDry((d) => ({ ...d, [phase]: summary }));
    else reload();
    return summary;
  };
  const setMode = async (phase: 1 | 2, draw: boolean): Promise<void> => {
    const r = await api<{ event: PublicEvent }>("PATCH", "/admin/event", { [`drawPhase${phase}`]: draw });
    eventStore.set(r.event);
    reload();
  };
  return { data, error, dry, reload, run, setMode };
}
