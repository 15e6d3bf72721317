// Says how fresh the seats on screen are: live through the socket, or refreshed every few seconds.
import { useT } from "../lib/i18n.ts";
import { useLiveMode } from "../lib/use-live.ts";

export function LiveBadge() {
  const t = useT();
  const mode = useLiveMode();
  if (mode === "connecting") return <span class="live-badge" aria-hidden="true" />;
  return (
    <span class={`live-badge live-${mode}`} role="status" title={mode === "socket" ? t("live.socketHint") : t("live.pollingHint")}>
      <span class={mode === "socket" ? "live-dot" : "poll-dot"} aria-hidden="true" /> {mode === "socket" ? t("live.socket") : t("live.polling")}
    </span>
  );
}
