// Composes the API: one sub-app per route group, mounted under /api. Nothing else lives here.
import { Hono } from "hono";
import type { AppEnv } from "./env.ts";
import { ApiError } from "./lib/errors.ts";
import { limitBody, onError, requestContext } from "./middleware/request.ts";
import { apiSecurityHeaders } from "./middleware/security-headers.ts";
import { guardWrites } from "./middleware/write-guard.ts";
import { accessLog } from "./middleware/access-log.ts";
import { adminRoutes } from "./routes/admin.ts";
import { adminAccountRoutes } from "./routes/admin-accounts.ts";
import { devMailRoutes } from "./routes/dev-mail.ts";
import { adminInvitationRoutes, invitationRoutes } from "./routes/invitations.ts";
import { meRoutes } from "./routes/me.ts";
import { passwordRoutes } from "./routes/password.ts";
import { alertRoutes } from "./routes/alerts.ts";
import { authRoutes } from "./routes/auth.ts";
import { bookingRoutes } from "./routes/bookings.ts";
import { catalogueRoutes } from "./routes/catalogue.ts";
import { companyDayRoutes, companyRoutes } from "./routes/company.ts";
import { companyProfileRoutes } from "./routes/company-profile.ts";
import { deskRoutes } from "./routes/desk.ts";
import { drawAdminRoutes, drawRoutes } from "./routes/draw.ts";
import { healthRoutes } from "./routes/health.ts";
import { liveRoutes } from "./routes/live.ts";
import { profileRoutes } from "./routes/profile.ts";
import { reconcileRoutes } from "./routes/reconcile.ts";
import { wishesRoutes } from "./routes/wishes.ts";

export const app = new Hono<AppEnv>()
  .basePath("/api")
  .use(apiSecurityHeaders)
  .use(requestContext)
  .use(accessLog)
  .use(guardWrites)
  .use(limitBody)
  .route("/", healthRoutes)
  .route("/", authRoutes)
  .route("/", passwordRoutes)
  .route("/", invitationRoutes)
  .route("/me", meRoutes)
  .route("/", catalogueRoutes)
  .route("/", liveRoutes)
  .route("/bookings", bookingRoutes)
  .route("/wishes", wishesRoutes)
  .route("/draw", drawRoutes)
  .route("/company", companyRoutes)
  .route("/company", companyProfileRoutes)
  .route("/company", companyDayRoutes)
  .route("/profile", profileRoutes)
  .route("/admin", adminRoutes)
  .route("/admin", reconcileRoutes)
  .route("/admin", deskRoutes)
  .route("/admin", drawAdminRoutes)
  .route("/admin", adminInvitationRoutes)
  .route("/admin", adminAccountRoutes)
  .route("/dev", devMailRoutes)
  .route("/admin", alertRoutes)
  .notFound(() => {
    throw new ApiError("not_found", "No such API route.");
  })
  .onError(onError);

export type App = typeof app;
