import { usePageTitle } from "../components/ui.tsx";
import { useT } from "../lib/i18n.ts";
import { Icon } from "../components/Icon.tsx";

export function NotFound() {
  const t = useT();
  usePageTitle(t("notFound.title"));
  return (
    <main id="main" class="page narrow center">
      <p class="big-emoji">
        <Icon name="compass" size={56} />
      </p>
      <h1>{t("notFound.title")}</h1>
      <p>{t("notFound.body")}</p>
      <a class="btn btn-primary" href="/">
        {t("common.home")}
      </a>
    </main>
  );
}
