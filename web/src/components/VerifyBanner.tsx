// A student whose address is not verified yet cannot book: say so everywhere, with a way to get a new link.
import { Alert } from "./ui.tsx";
import { useT } from "../lib/i18n.ts";
import { resendVerification, session } from "../lib/session.ts";
import { useStore } from "../lib/store.ts";
import { useAction } from "../lib/use-account.ts";

export function VerifyBanner() {
  const t = useT();
  const user = useStore(session);
  const resend = useAction(resendVerification);
  if (!user || user.role !== "student" || user.emailVerified !== false) return null;
  return (
    <div class="page banner-wrap">
      <Alert kind="warn">
        <strong>{t("verify.bannerTitle")}</strong> {t("verify.bannerBody", { email: user.email })}{" "}
        {resend.done ? (
          <span>{t("verify.resent")}</span>
        ) : (
          <button type="button" class="link-button" disabled={resend.busy} onClick={() => void resend.run()}>
            {t("verify.resend")}
          </button>
        )}
      </Alert>
    </div>
  );
}
