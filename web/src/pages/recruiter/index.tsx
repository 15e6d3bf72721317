// Recruiters (lazy-loaded): the day's dashboard, the check-in page, and the company profile with its offers.
import { useLocation } from "preact-iso";
import { CheckIn } from "./CheckIn.tsx";
import { CompanyEditor } from "./CompanyEditor.tsx";
import { Dashboard } from "./Dashboard.tsx";

export default function Recruiter() {
  const { path } = useLocation();
  if (path.startsWith("/recruiter/company")) return <CompanyEditor />;
  if (path.startsWith("/recruiter/checkin")) return <CheckIn />;
  return <Dashboard />;
}
