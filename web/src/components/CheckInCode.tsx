// A booking's check-in QR code, drawn in the page (no third-party service): the encoder is loaded
// the first time a code is shown, so the schedule's first paint does not wait for it.
import { useEffect, useState } from "preact/hooks";
import { t } from "../lib/i18n.ts";

export function CheckInCode({ token, label }: { token: string; label: string }) {
  const [src, setSrc] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    void import("qr").then(({ encodeQR }) => {
      if (live) setSrc(`data:image/svg+xml;utf8,${encodeURIComponent(encodeQR(token, "svg", { ecc: "medium", border: 2 }))}`);
    });
    return () => {
      live = false;
    };
  }, [token]);
  return (
    <figure class="qr">
      {src ? <img src={src} alt={label} width={176} height={176} class="qr-img" /> : <span class="qr-img skeleton" aria-hidden="true" />}
      <figcaption class="small muted">
        {t("checkin.showIt")} <code class="qr-text">{token}</code>
      </figcaption>
    </figure>
  );
}
