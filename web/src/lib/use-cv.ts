// The student's CV on file: read, upload (checked as a PDF of at most 5 MB before it is sent),
// replace, delete.
import { useEffect, useState } from "preact/hooks";
import { CV_MAX_BYTES, PDF_MAGIC, type CvInfo } from "../../../worker/domain/offers.ts";
import { api, downloadFrom, get } from "./api.ts";

export type CvCheck = { ok: true } | { ok: false; reason: "notPdf" | "tooBig" };

export async function checkCv(file: File): Promise<CvCheck> {
  const head = new Uint8Array(await file.slice(0, PDF_MAGIC.length).arrayBuffer());
  if (!PDF_MAGIC.every((b, i) => head[i] === b)) return { ok: false, reason: "notPdf" };
  if (file.size > CV_MAX_BYTES) return { ok: false, reason: "tooBig" };
  return { ok: true };
}

export function useCv(onLoadError: (e: unknown) => void) {
  /** undefined while loading, null when there is none. */
  const [cv, setCv] = useState<CvInfo | null | undefined>(undefined);
  useEffect(() => {
    get<{ cv: CvInfo | null }>("/profile/cv")
      .then((r) => setCv(r.cv))
      .catch((e) => {
        setCv(null);
        onLoadError(e);
      });
  }, []);
  return {
    cv,
    upload: async (file: File) => setCv((await api<{ cv: CvInfo }>("PUT", "/profile/cv", file, { "content-type": "application/pdf" })).cv),
    remove: async () => {
      await api("DELETE", "/profile/cv");
      setCv(null);
    },
    download: () => downloadFrom("/profile/cv/file", "cv.pdf"),
  };
}
