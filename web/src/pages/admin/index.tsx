// The career office (lazy-loaded): monitoring, the help desk, configuration, companies, accounts, slots, list, fairness, audit.
import { useLocation } from "preact-iso";
import { Accounts } from "./Accounts.tsx";
import { Audit } from "./Audit.tsx";
import { Companies } from "./Companies.tsx";
import { Deprioritized } from "./Deprioritized.tsx";
import { Desk } from "./Desk.tsx";
import { EventConfigPage } from "./EventConfig.tsx";
import { Fairness } from "./Fairness.tsx";
import { Monitor } from "./Monitor.tsx";
import { Slots } from "./Slots.tsx";

const PAGES: Record<string, () => preact.JSX.Element> = {
  "/admin/desk": Desk,
  "/admin/event": EventConfigPage,
  "/admin/companies": Companies,
  "/admin/accounts": Accounts,
  "/admin/slots": Slots,
  "/admin/deprioritized": Deprioritized,
  "/admin/audit": Audit,
  "/admin/fairness": Fairness,
};

export default function Admin() {
  const { path } = useLocation();
  const Page = PAGES[path.replace(/\/$/, "")] ?? Monitor;
  return <Page />;
}
