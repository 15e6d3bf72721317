// Recruiters (lazy-loaded): the day's dashboard, and the company profile with its offers.
import { useLocation } from "preact-iso";
import { CompanyEditor } from "./CompanyEditor.tsx";
import { Dashboard } from "./Dashboard.tsx";

export default function Recruiter() {
  const { path } = useLocation();
  return path.startsWith("/recruiter/company") ? <CompanyEditor /> : <Dashboard />;
}
