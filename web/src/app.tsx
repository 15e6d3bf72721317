// The site: student pages in the main bundle, recruiter and career-office pages loaded lazily.
import type { ComponentChildren } from "preact";
import { useEffect } from "preact/hooks";
import { ErrorBoundary, LocationProvider, Route, Router, lazy, useLocation } from "preact-iso";
import type { Role } from "../../worker/domain/contract.ts";
import { Header } from "./components/Header.tsx";
import { bookings, loadBookings } from "./lib/bookings.ts";
import { loadCatalogue } from "./lib/catalogue.ts";
import { loadEvent } from "./lib/event.ts";
import { loadDraws } from "./lib/use-draw.ts";
import { useT } from "./lib/i18n.ts";
import { homeOf, refreshSession, session } from "./lib/session.ts";
import { useStore } from "./lib/store.ts";
import { Catalogue } from "./pages/Catalogue.tsx";
import { CompanyPage } from "./pages/Company.tsx";
import { AcceptInvitation, ForgotPassword, ResetPassword, VerifyEmail } from "./pages/AccountLinks.tsx";
import { Login, Signup } from "./pages/Auth.tsx";
import { VerifyBanner } from "./components/VerifyBanner.tsx";
import { NotFound } from "./pages/NotFound.tsx";
import { Profile } from "./pages/Profile.tsx";
import { DrawResults } from "./pages/DrawResults.tsx";
import { Wishes } from "./pages/Wishes.tsx";
import { Schedule } from "./pages/Schedule.tsx";

const Recruiter = lazy(() => import("./pages/recruiter/index.tsx"));
const Admin = lazy(() => import("./pages/admin/index.tsx"));
// Local runs only (the API answers 404 when deployed).
const DevMail = lazy(() => import("./pages/DevMail.tsx"));

/** Pages for one role: others are sent to log in, or told it is not for them. */
function Only({ role, children }: { role: Role; children: ComponentChildren }) {
  const t = useT();
  const user = useStore(session);
  const { route, url } = useLocation();
  useEffect(() => {
    if (!user) route(`/login?next=${encodeURIComponent(url)}`, true);
  }, [user]);
  if (!user) return null;
  if (user.role !== role)
    return (
      <main id="main" class="page">
        <h1>{t("error.forbiddenTitle")}</h1>
        <p>{t("error.forbidden")}</p>
        <a class="btn btn-primary" href={homeOf(user)}>
          {t("common.home")}
        </a>
      </main>
    );
  return <>{children}</>;
}

const StudentOnly = (Page: () => preact.JSX.Element) => () => (
  <Only role="student">
    <Page />
  </Only>
);
const ScheduleRoute = StudentOnly(Schedule);
const ProfileRoute = StudentOnly(Profile);
const WishesRoute = StudentOnly(Wishes);
const DrawResultsRoute = StudentOnly(DrawResults);
const RecruiterRoute = () => (
  <Only role="company">
    <Recruiter />
  </Only>
);
const AdminRoute = () => (
  <Only role="admin">
    <Admin />
  </Only>
);

function Boot() {
  const user = useStore(session);
  useEffect(() => {
    void loadEvent();
    void refreshSession();
    const id = setInterval(() => void loadEvent(), 60_000);
    return () => clearInterval(id);
  }, []);
  useEffect(() => {
    if (user?.role !== "company" && user?.role !== "admin") void loadCatalogue();
    if (user?.role === "student") {
      void loadBookings();
      void loadDraws();
    } else bookings.set(null);
  }, [user?.id]);
  return null;
}

/** After a client-side navigation: back to the top, and the new page's heading gets the focus. */
function afterNavigation() {
  window.scrollTo(0, 0);
  requestAnimationFrame(() => {
    const h = document.querySelector<HTMLElement>("main h1");
    if (!h) return;
    h.tabIndex = -1;
    h.focus({ preventScroll: true });
  });
}

export function App() {
  return (
    <LocationProvider>
      <Boot />
      <Header />
      <VerifyBanner />
      <ErrorBoundary>
        <Router onRouteChange={afterNavigation}>
          <Route path="/" component={Catalogue} />
          <Route path="/companies/:id" component={CompanyPage} />
          <Route path="/schedule" component={ScheduleRoute} />
          <Route path="/profile" component={ProfileRoute} />
          <Route path="/wishes" component={WishesRoute} />
          <Route path="/draw" component={DrawResultsRoute} />
          <Route path="/login" component={Login} />
          <Route path="/signup" component={Signup} />
          <Route path="/verify" component={VerifyEmail} />
          <Route path="/forgot-password" component={ForgotPassword} />
          <Route path="/reset-password" component={ResetPassword} />
          <Route path="/invite" component={AcceptInvitation} />
          <Route path="/dev/mail" component={DevMail} />
          <Route path="/recruiter/*" component={RecruiterRoute} />
          <Route path="/recruiter" component={RecruiterRoute} />
          <Route path="/admin/*" component={AdminRoute} />
          <Route path="/admin" component={AdminRoute} />
          <Route default component={NotFound} />
        </Router>
      </ErrorBoundary>
    </LocationProvider>
  );
}
