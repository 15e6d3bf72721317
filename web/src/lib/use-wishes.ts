// The student's ranked wishes (issue #13): loaded, edited as a draft (order, windows), saved whole.
import { useState } from "preact/hooks";
import type { Wish, WishesResponse } from "../../../worker/domain/contract.ts";
import { ApiFailure, api, fieldMessages } from "./api.ts";
import { serverNow } from "./event.ts";
import { useLoad } from "./use-load.ts";

export interface DraftWish {
  companyId: string;
  /** "HH:MM" or "" (no limit). */
  notBefore: string;
  notAfter: string;
}

const toDraft = (w: Wish[]): DraftWish[] => w.map((x) => ({ companyId: x.companyId, notBefore: x.notBefore ?? "", notAfter: x.notAfter ?? "" }));

export type WishesNotice = { kind: "saved" | "fix" | "closed" | "error"; error?: unknown } | null;

export function useWishes() {
  const [list, setList] = useState<DraftWish[]>([]);
  const { data: server, error: loadError, reload, setData } = useLoad<WishesResponse>("/wishes", (r) => setList(toDraft(r.wishes)));
  const [saving, setSaving] = useState(false);
  const [fields, setFields] = useState<Record<string, string>>({});
  const [notice, setNotice] = useState<WishesNotice>(null);

  const accept = (r: WishesResponse) => {
    setData(r);
    setList(toDraft(r.wishes));
  };

  const edit = (next: DraftWish[]) => {
    setList(next);
    setNotice(null);
  };
  const move = (from: number, to: number) => {
    if (to < 0 || to >= list.length || from === to) return;
    const next = [...list];
    const [w] = next.splice(from, 1);
    next.splice(to, 0, w!);
    edit(next);
  };

  const save = async () => {
    setSaving(true);
    setFields({});
    try {
      const body = { wishes: list.map((w) => ({ companyId: w.companyId, ...(w.notBefore ? { notBefore: w.notBefore } : {}), ...(w.notAfter ? { notAfter: w.notAfter } : {}) })) };
      accept(await api<WishesResponse>("PUT", "/wishes", body));
      setNotice({ kind: "saved" });
    } catch (err) {
      const fm = fieldMessages(err);
      setFields(fm);
      if (err instanceof ApiFailure && err.code === "wishes_closed") {
        setNotice({ kind: "closed" });
        reload();
      } else setNotice(Object.keys(fm).length ? { kind: "fix" } : { kind: "error", error: err });
    } finally {
      setSaving(false);
    }
  };

  const opensAt = server?.opensAt ? Date.parse(server.opensAt) : null;
  const closesAt = server?.closesAt ? Date.parse(server.closesAt) : null;
  const open = (now = serverNow()) => opensAt !== null && closesAt !== null && now >= opensAt && now < closesAt;
  const dirty = server !== null && JSON.stringify(list) !== JSON.stringify(toDraft(server.wishes));

  return {
    server,
    list,
    loadError,
    saving,
    fields,
    notice,
    dirty,
    opensAt,
    closesAt,
    open,
    reload,
    save,
    move,
    add: (companyId: string) => edit([...list, { companyId, notBefore: "", notAfter: "" }]),
    remove: (i: number) => edit(list.filter((_, k) => k !== i)),
    setWindow: (i: number, key: "notBefore" | "notAfter", value: string) => edit(list.map((w, k) => (k === i ? { ...w, [key]: value } : w))),
  };
}
