// The site in a real browser (Debian's Chromium through playwright-core), against the app
// started the README's way on a throw-away state with the demo data. Every page is also
// photographed at desktop and phone widths into test/.artifacts/screenshots/.
import assert from "node:assert/strict";
import { mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";
import { CHROMIUM, ROOT, ensureChromium, startApp, type RunningApp } from "./app.ts";
import { studentBundle } from "./bundle-size.ts";

const PORT = Number(process.env.E2E_PORT ?? 8790);
const SHOTS = join(ROOT, "test/.artifacts/screenshots");
const WIDTHS = { desktop: { width: 1280, height: 900 }, phone: { width: 360, height: 780 } };
const STUDENT_PW = "inf-demo-student";

let app: RunningApp;
let browser: Browser;
const contexts: BrowserContext[] = [];
/** What the Content-Security-Policy blocked, on any page: the site must need nothing it forbids. */
const cspViolations: string[] = [];

async function newPage(): Promise<Page> {
  const ctx = await browser.newContext({ baseURL: app.url, viewport: WIDTHS.desktop, acceptDownloads: true, timezoneId: "Europe/Brussels", locale: "fr-BE" });
  contexts.push(ctx);
  const page = await ctx.newPage();
  page.setDefaultTimeout(15_000);
  page.on("pageerror", (e) => console.error(`# page error on ${page.url()}: ${e.message}`));
  page.on("console", (m) => {
    if (/Content Security Policy/i.test(m.text())) cspViolations.push(`${page.url()}: ${m.text()}`);
  });
  page.on("response", (r) => {
    if (r.request().method() === "POST" && new URL(r.url()).pathname === "/api/bookings")
      void r.text().then((body) => lastBooking.set(page, `${r.status()} ${body.slice(0, 200)}`), () => lastBooking.set(page, `${r.status()}`));
  });
  return page;
}

/** Each page's last POST /api/bookings answer, for the failure message of expectOutcome. */
const lastBooking = new WeakMap<Page, string>();

/**
 * Waits for `text` in the company page's outcome after a click on a slot. On a timeout the error
 * says what the outcome shows instead, what the booking request got, and the app's last log lines
 * (a flake seen twice in CI could not be reproduced alone: the next one must explain itself).
 */
async function expectOutcome(page: Page, text: string) {
  try {
    await page.locator(".outcome").getByText(text).waitFor();
  } catch (err) {
    const shown = await page.locator(".outcome").textContent().catch(() => null);
    const tail = app.log().split("\n").slice(-40).join("\n");
    throw new Error(`outcome never showed "${text}" at ${page.url()}; it shows ${JSON.stringify(shown)}; last POST /api/bookings: ${lastBooking.get(page) ?? "none"}\n--- app log ---\n${tail}`, { cause: err });
  }
}

/** Every form control and button has an accessible name (a label, text, or aria-label). */
async function expectNamedControls(page: Page, name: string) {
  const unnamed = await page.evaluate(() =>
    [...document.querySelectorAll<HTMLElement>("input, select, textarea, button, a[href]")]
      .filter((el) => el.getClientRects().length > 0 || el.classList.contains("visually-hidden"))
      .filter((el) => {
        if (el.getAttribute("aria-label") || el.getAttribute("aria-labelledby")) return false;
        if (el instanceof HTMLInputElement || el instanceof HTMLSelectElement || el instanceof HTMLTextAreaElement) return !(el.labels && el.labels.length > 0);
        return !(el.textContent ?? "").trim();
      })
      .map((el) => el.outerHTML.slice(0, 120)),
  );
  assert.deepEqual(unnamed, [], `${name}: controls without an accessible name`);
}

/** The current page at both widths, full length. */
async function shoot(page: Page, name: string) {
  await expectNamedControls(page, name);
  for (const [label, size] of Object.entries(WIDTHS)) {
    await page.setViewportSize(size);
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.waitForTimeout(150);
    await page.screenshot({ path: join(SHOTS, `${name}-${label}.png`), fullPage: true, animations: "disabled" });
  }
  await page.setViewportSize(WIDTHS.desktop);
}

async function login(page: Page, email: string, password: string) {
  await page.goto("/login");
  await page.getByLabel("Adresse e-mail").fill(email);
  await page.getByLabel("Mot de passe").fill(password);
  await page.getByRole("button", { name: "Se connecter" }).click();
  await page.waitForURL((u) => !u.pathname.startsWith("/login"));
}

/** Opens the local inbox (/dev/mail) for `to` and waits for a message whose subject matches. */
async function inboxMail(page: Page, to: string, subject: RegExp) {
  await page.goto(`/dev/mail?to=${encodeURIComponent(to)}`);
  const card = page.locator(".mail", { has: page.locator(".mail-subject", { hasText: subject }) }).first();
  await card.waitFor({ timeout: 30_000 });
  return card;
}

/** Follows the verification link of the newest mail to `to`, from the local inbox. */
async function verifyFromInbox(page: Page, to: string, shot?: string) {
  const mail = await inboxMail(page, to, /Confirmez votre adresse/);
  if (shot) await shoot(page, shot);
  await mail.getByRole("link", { name: /\/verify\?token=/ }).click();
  await page.getByText("Votre adresse est confirmée").waitFor();
}

/** The API as a client outside the browser (fixtures only: the journeys use the pages). */
async function apiAs(email: string, password: string) {
  const r = await fetch(`${app.url}/api/auth/login`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ email, password }) });
  assert.equal(r.status, 200, `login ${email}`);
  const { token } = (await r.json()) as { token: string };
  return async <T = any>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }> => {
    const res = await fetch(`${app.url}/api${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { "content-type": "application/json" }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : null) as T };
  };
}

const publicApi = async <T = any>(path: string): Promise<T> => (await (await fetch(`${app.url}/api${path}`)).json()) as T;

interface Slot {
  id: string;
  startsAt: string;
  capacity: number;
  taken: number;
}

async function waitForTaken(companyId: string, slotId: string, taken: number) {
  for (let i = 0; i < 50; i++) {
    const { slots } = await publicApi<{ slots: Slot[] }>(`/companies/${companyId}`);
    if (slots.find((s) => s.id === slotId)?.taken === taken) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.fail(`slot ${slotId} never showed ${taken} taken`);
}

const tinyPdf = Buffer.from("%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n");
const NEW_COMPANY = `Nordlys Studio ${Date.now().toString(36)}`;

before(async () => {
  mkdirSync(SHOTS, { recursive: true });
  ensureChromium();
  const started = Date.now();
  app = await startApp(PORT);
  console.log(`# app up in ${((Date.now() - started) / 1000).toFixed(1)} s at ${app.url}`);
  browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ["--no-sandbox", "--disable-dev-shm-usage"] });
});

after(async () => {
  await Promise.allSettled(contexts.map((c) => c.close()));
  await browser?.close().catch(() => {});
  await app?.stop();
});

describe("the site", () => {
  it("keeps the student pages' JavaScript under 100 kB gzipped and lazy-loads the rest", () => {
    const b = studentBundle();
    console.log(`# student pages: ${(b.studentGzip / 1024).toFixed(1)} kB JS gzipped (${b.studentFiles.join(", ")}); lazy: ${b.lazy.map((l) => `${l.file} ${(l.gzip / 1024).toFixed(1)} kB`).join(", ")}; CSS ${(b.cssGzip / 1024).toFixed(1)} kB`);
    assert.ok(b.studentGzip < 100 * 1024, `student JS is ${b.studentGzip} bytes gzipped`);
    assert.ok(b.lazy.some((l) => l.file.startsWith("admin-")) && b.lazy.some((l) => l.file.startsWith("recruiter-")), "admin and recruiter pages are separate chunks");
  });

  it("paints the page before the API answers, and nothing shifts when results arrive", async () => {
    const page = await newPage();
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    await page.route("**/api/**", async (route) => {
      await gate;
      await route.continue();
    });
    await page.addInitScript(() => {
      const w = window as unknown as { __cls: number };
      w.__cls = 0;
      new PerformanceObserver((list) => {
        for (const e of list.getEntries() as unknown as { value: number; hadRecentInput: boolean }[]) if (!e.hadRecentInput) w.__cls += e.value;
      }).observe({ type: "layout-shift", buffered: true });
    });
    await page.goto("/");
    // The API is held back: the filters and the placeholders are on screen anyway.
    await page.getByPlaceholder("Rechercher un métier, une techno, une ville…").waitFor();
    assert.ok((await page.locator(".gallery .skeleton-card").count()) > 0, "placeholders while the catalogue loads");
    await shoot(page, "00-first-paint-waiting-for-api");
    release();
    await page.locator(".offer-card:not(.skeleton-card)").first().waitFor();
    await page.waitForTimeout(500);
    const cls = await page.evaluate(() => (window as unknown as { __cls: number }).__cls);
    console.log(`# cumulative layout shift while the catalogue arrives: ${cls.toFixed(4)}`);
    assert.ok(cls < 0.1, `CLS ${cls}`);
  });

  it("a student signs up, verifies the address from the local inbox, browses, books, gets the confirmation mail with the .ics, sees the schedule and cancels", async () => {
    const page = await newPage();
    await page.goto("/signup");
    await shoot(page, "01-signup");
    const email = `lea.${Date.now()}@example.com`;
    await page.getByLabel("Nom complet").fill("Léa Fontaine");
    await page.getByLabel("Adresse e-mail").fill(email);
    await page.getByLabel("Mot de passe").fill("correct horse battery");
    await page.getByRole("button", { name: "Créer mon compte" }).click();
    await page.getByRole("heading", { name: "Consultez votre boîte mail" }).waitFor();
    await shoot(page, "01b-signup-check-inbox");
    await verifyFromInbox(page, email, "01c-local-inbox");
    await shoot(page, "01d-verified");
    await page.getByRole("link", { name: "Continuer" }).click();
    await page.waitForURL(`${app.url}/`);

    // Browse: filters narrow the gallery and say how many remain.
    const count = page.locator(".result-count");
    await page.locator(".offer-card:not(.skeleton-card)").first().waitFor();
    const all = await page.locator(".offer-card").count();
    assert.match((await count.textContent()) ?? "", new RegExp(`^${all} offres · 12 entreprises`));
    await page.getByRole("button", { name: /^ai \d+$/ }).click();
    const ai = await page.locator(".offer-card").count();
    assert.ok(ai > 0 && ai < all, `tag filter: ${ai} of ${all}`);
    await page.getByRole("searchbox").fill("robot");
    await page.waitForFunction(() => document.querySelectorAll(".offer-card").length === 1);
    await shoot(page, "02-catalogue-filtered");
    await page.getByRole("button", { name: "Effacer les filtres" }).click();
    await page.waitForFunction((n) => document.querySelectorAll(".offer-card").length === n, all);
    await shoot(page, "03-catalogue");

    // French by default, English on request, remembered across a reload.
    await page.getByRole("button", { name: "Switch to English" }).click();
    await page.getByRole("link", { name: "My schedule" }).waitFor();
    await page.reload();
    await page.getByRole("link", { name: "My schedule" }).waitFor();
    await shoot(page, "04-catalogue-english");
    await page.getByRole("button", { name: "Passer en français" }).click();
    await page.getByRole("link", { name: "Mon planning" }).waitFor();

    // A company page, then book the first free slot.
    await page.locator(".offer-card a").first().click();
    await page.waitForURL(/\/companies\//);
    const slot = page.locator("button.slot:not([disabled])").first();
    await slot.waitFor();
    const slotTime = (await slot.locator(".slot-time").textContent())!;
    await shoot(page, "05-company");
    await slot.click();
    await page.getByText(`Réservé ! Entretien à ${slotTime}.`).waitFor();
    await page.locator("button.slot.mine").waitFor();
    await page.getByText("1 sur 3 en phase 1").waitFor();
    await shoot(page, "06-company-booked");

    // The confirmation mail arrives once the booking is recorded, with the interview as an .ics.
    const confirmation = await inboxMail(page, email, /Entretien confirmé/);
    await shoot(page, "06b-confirmation-mail");
    const [mailed] = await Promise.all([page.waitForEvent("download"), confirmation.getByRole("button", { name: /interview\.ics/ }).click()]);
    const attached = readFileSync((await mailed.path())!, "utf8");
    assert.equal(attached.match(/BEGIN:VEVENT/g)?.length, 1);
    assert.match(attached, /SUMMARY:Entretien INF — /);

    // The schedule shows it; the calendar file holds it.
    await page.getByRole("navigation").getByRole("link", { name: "Mon planning" }).click();
    await page.locator(".timeline-item .when-time", { hasText: slotTime }).waitFor();
    const company = (await page.locator(".what-company").first().textContent())!;
    await shoot(page, "07-schedule");
    await page.emulateMedia({ media: "print" });
    await page.screenshot({ path: join(SHOTS, "07-schedule-print.png"), fullPage: true });
    assert.equal(await page.locator(".site-header").isVisible(), false, "no navigation on paper");
    await page.emulateMedia({ media: "screen" });
    const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("button", { name: /Agenda \(\.ics\)/ }).click()]);
    const ics = readFileSync((await download.path())!, "utf8");
    assert.match(ics, /^BEGIN:VCALENDAR\r\n/);
    assert.equal(ics.match(/BEGIN:VEVENT/g)?.length, 1);
    assert.ok(ics.includes(`SUMMARY:Entretien INF — ${company}`), ics);
    assert.match(ics, /DTSTART:\d{8}T\d{6}Z/);

    // Cancel, with a confirmation.
    await page.locator(".timeline-item").getByRole("button", { name: "Annuler" }).click();
    await page.getByRole("dialog").getByText(`Votre place chez ${company} à ${slotTime}`).waitFor();
    await shoot(page, "08-schedule-cancel-dialog");
    await page.getByRole("button", { name: "Oui, annuler" }).click();
    await page.getByText("Aucun entretien pour l’instant").waitFor();
    await page.getByText(`Entretien chez ${company} à ${slotTime} annulé.`).waitFor();
    await shoot(page, "09-schedule-empty");

    // The profile: upload, replace and delete a CV.
    await page.getByRole("link", { name: "Profil" }).click();
    await page.getByText("Aucun CV pour l’instant.").waitFor();
    await page.locator('input[type="file"]').setInputFiles({ name: "cv.pdf", mimeType: "application/pdf", buffer: tinyPdf });
    await page.getByText("CV enregistré.", { exact: true }).waitFor();
    await shoot(page, "10-profile-cv");
    await page.locator('input[type="file"]').setInputFiles({ name: "photo.png", mimeType: "application/pdf", buffer: Buffer.from("\x89PNG\r\n") });
    await page.getByText("Ce fichier n’est pas un PDF.").waitFor();
    await page.getByRole("button", { name: "Supprimer" }).click();
    await page.getByRole("dialog").getByRole("button", { name: "Supprimer" }).click();
    await page.getByText("CV supprimé.").waitFor();
  });

  it("two students race for the last seat: exactly one wins, the other is offered the nearest free slots", async () => {
    const { companies } = await publicApi<{ companies: { id: string; name: string }[] }>("/companies");
    const target = companies[1]!;
    const { slots } = await publicApi<{ slots: Slot[] }>(`/companies/${target.id}`);
    const slot = slots[4]!;
    // A third student takes one of the two seats first.
    const third = await apiAs("student150@example.com", STUDENT_PW);
    assert.equal((await third("POST", "/bookings", { slotId: slot.id })).status, 201);
    await waitForTaken(target.id, slot.id, 1);

    const [a, b] = await Promise.all([newPage(), newPage()]);
    await Promise.all([login(a, "student151@example.com", STUDENT_PW), login(b, "student152@example.com", STUDENT_PW)]);
    await Promise.all([a.goto(`/companies/${target.id}`), b.goto(`/companies/${target.id}`)]);
    const button = (p: Page) => p.locator(`button[data-slot="${slot.id}"]`);
    await Promise.all([button(a).waitFor(), button(b).waitFor()]);
    assert.ok(await button(a).isEnabled());
    assert.ok(await button(b).isEnabled());

    // Both click at the same instant: with live seats, a click even a moment after the other's
    // booking would find the slot already full and its button disabled.
    const at = Date.now() + 500;
    await Promise.all(
      [a, b].map((p) =>
        p.evaluate(
          ({ id, at }) => new Promise<void>((done) => setTimeout(() => (document.querySelector<HTMLButtonElement>(`button[data-slot="${id}"]`)!.click(), done()), at - Date.now())),
          { id: slot.id, at },
        ),
      ),
    );
    const outcome = async (p: Page) => {
      const box = p.locator(".outcome .alert");
      await box.waitFor();
      return (await box.textContent()) ?? "";
    };
    const [ra, rb] = await Promise.all([outcome(a), outcome(b)]);
    const won = [ra, rb].filter((t) => t.startsWith("Réservé !"));
    const lost = [ra, rb].filter((t) => t.startsWith("Ce créneau vient d’être pris."));
    assert.equal(won.length, 1, `one winner: ${ra} | ${rb}`);
    assert.equal(lost.length, 1, `one "slot full": ${ra} | ${rb}`);
    const loser = ra === lost[0] ? a : b;
    assert.ok((await loser.locator(".alternatives button").count()) > 0, "alternatives offered");
    assert.match(lost[0]!, /Créneaux libres les plus proches/);
    await shoot(loser, "11-race-slot-full");
    await waitForTaken(target.id, slot.id, 2);
    // An alternative books in one click.
    await loser.locator(".alternatives button").first().click();
    await loser.getByText(/^Réservé ! Entretien à/).waitFor();
  });

  it("live seats: one browser books, another's count changes without a reload; tabs of one browser share one connection", async () => {
    const { companies } = await publicApi<{ companies: { id: string }[] }>("/companies");
    const target = companies[7]!;
    const { slots } = await publicApi<{ slots: Slot[] }>(`/companies/${target.id}`);
    const slot = slots.find((s) => s.taken === 0)!;
    const [booker, watcher] = await Promise.all([newPage(), newPage()]);
    const sockets = new Map<Page, number>();
    const watcherTab = await watcher.context().newPage();
    for (const p of [booker, watcher, watcherTab]) p.on("websocket", () => sockets.set(p, (sockets.get(p) ?? 0) + 1));
    await login(booker, "student181@example.com", STUDENT_PW);
    await Promise.all([booker.goto(`/companies/${target.id}`), watcher.goto(`/companies/${target.id}`), watcherTab.goto(`/companies/${target.id}`)]);
    const seat = (p: Page) => p.locator(`button[data-slot="${slot.id}"]`);
    for (const p of [watcher, watcherTab]) {
      await seat(p).getByText("2 places").waitFor();
      await p.getByRole("status").filter({ hasText: "En direct" }).waitFor();
    }
    await seat(booker).click();
    await booker.getByText(/^Réservé ! Entretien à/).waitFor();
    // No reload: the count follows in the other browser, in both of its tabs.
    for (const p of [watcher, watcherTab]) await seat(p).getByText("1 place", { exact: true }).waitFor();
    assert.equal((sockets.get(watcher) ?? 0) + (sockets.get(watcherTab) ?? 0), 1, "the watcher's two tabs share one socket");
    await shoot(watcher, "05b-company-live");

    // A second tab of the booker's browser shows the booking as theirs at once, and a cancel in it shows in the first.
    const bookerTab = await booker.context().newPage();
    await bookerTab.goto(`/companies/${target.id}`);
    await seat(bookerTab).getByText("Réservé ✓").waitFor();
    await bookerTab.goto("/schedule");
    await bookerTab.locator(".timeline-item").getByRole("button", { name: "Annuler" }).click();
    await bookerTab.getByRole("button", { name: "Oui, annuler" }).click();
    await seat(booker).getByText("2 places").waitFor();
    await seat(watcher).getByText("2 places").waitFor();
    // Live pages left open would keep the app busy during the next journeys.
    await Promise.all([booker.context().close(), watcher.context().close()]);
  });

  it("with WebSockets blocked the page says so, and the seat count still follows by polling", async () => {
    const { companies } = await publicApi<{ companies: { id: string }[] }>("/companies");
    const target = companies[8]!;
    const { slots } = await publicApi<{ slots: Slot[] }>(`/companies/${target.id}`);
    const slot = slots.find((s) => s.taken === 0)!;
    const page = await newPage();
    await page.context().routeWebSocket(/\/api\/live/, (ws) => ws.close());
    await page.goto(`/companies/${target.id}`);
    await page.getByRole("status").filter({ hasText: "Actualisé toutes les quelques secondes" }).waitFor();
    const seat = page.locator(`button[data-slot="${slot.id}"]`);
    await seat.getByText("2 places").waitFor();
    const other = await apiAs("student182@example.com", STUDENT_PW);
    assert.equal((await other("POST", "/bookings", { slotId: slot.id })).status, 201);
    await seat.getByText("1 place", { exact: true }).waitFor({ timeout: 30_000 });
    await shoot(page, "05c-company-polling");
    await page.context().close();
  });

  it("a booking whose answer is lost is retried with the same idempotency key: one booking, no error", async () => {
    const page = await newPage();
    await login(page, "student171@example.com", STUDENT_PW);
    const keys: string[] = [];
    await page.route("**/api/bookings", async (route) => {
      if (route.request().method() !== "POST") return route.continue();
      keys.push(route.request().headers()["idempotency-key"] ?? "");
      if (keys.length > 1) return route.continue();
      // The server books, then the connection drops before the browser hears the answer.
      await route.fetch();
      await route.abort("connectionreset");
    });
    const { companies } = await publicApi<{ companies: { id: string }[] }>("/companies");
    await page.goto(`/companies/${companies[5]!.id}`);
    await page.locator("button.slot:not([disabled])").first().click();
    await page.getByText(/^Réservé ! Entretien à/).waitFor();
    assert.equal(keys.length, 2, "one retry");
    assert.ok(keys[0] && keys[0] === keys[1], "same idempotency key");
    const api = await apiAs("student171@example.com", STUDENT_PW);
    assert.equal((await api<{ bookings: unknown[] }>("GET", "/bookings")).body.bookings.length, 1);
  });

  it("a slow answer from before the login does not log the student out", async () => {
    const page = await newPage();
    // The login page asks /me (no session yet: 401); on a slow network that answer arrives after
    // the login succeeded. It used to log the student out at once (three CI flakes of this suite).
    let held = 0;
    await page.route("**/api/me", async (route) => {
      if (held++ > 0) return route.continue();
      const answer = await route.fetch();
      await new Promise((r) => setTimeout(r, 2_500));
      await route.fulfill({ response: answer });
    });
    await login(page, "student184@example.com", STUDENT_PW);
    await page.waitForTimeout(3_000);
    assert.ok(held >= 1, "the first /me was held");
    await page.getByRole("navigation").getByRole("link", { name: "Mon planning" }).click();
    await page.waitForURL(/\/schedule$/);
    assert.equal(await page.getByRole("button", { name: "Se connecter" }).count(), 0);
  });

  it("a student's open page gets their booking object ready in the seconds before a phase opens, once", async () => {
    const page = await newPage();
    // The page is told phase 2 opens 12 s after the server's time (the answer only; the event stays as it is).
    await page.route("**/api/event", async (route) => {
      const res = await route.fetch();
      const body = (await res.json()) as { event: Record<string, string> };
      const opens = new Date(Date.parse(body.event.serverTime!) + 12_000).toISOString();
      await route.fulfill({ response: res, json: { event: { ...body.event, phase1End: opens, phase2Start: opens } } });
    });
    const readies: number[] = [];
    page.on("request", (r) => {
      if (new URL(r.url()).pathname === "/api/bookings/ready") readies.push(Date.now());
    });
    await login(page, "student190@example.com", STUDENT_PW);
    const loggedIn = Date.now();
    const ready = await page.waitForResponse((r) => new URL(r.url()).pathname === "/api/bookings/ready", { timeout: 15_000 });
    assert.equal(ready.status(), 204);
    // Between 40 and 5 seconds before the opening: here within the first 7 s (and a second of slack).
    assert.ok(readies[0]! - loggedIn < 8_000, `ready ${readies[0]! - loggedIn} ms after the login`);
    await page.getByRole("link", { name: "Mon planning" }).click();
    await page.waitForTimeout(1_000);
    assert.equal(readies.length, 1, "once per opening, whatever the page");
  });

  it("a deprioritized student in phase 1 is told when phase 2 opens", async () => {
    const page = await newPage();
    await login(page, "student1@example.com", STUDENT_PW);
    await page.getByText("Vous réservez à partir de la phase 2").waitFor();
    await page.locator(".offer-card a").nth(2).click();
    await page.locator("button.slot:not([disabled])").first().click();
    await expectOutcome(page, "La phase 1 est réservée aux étudiant·e·s prioritaires.");
    assert.match((await page.locator(".outcome").textContent()) ?? "", /Vous pourrez réserver dès l’ouverture de la phase 2, .+ \(dans .+\)\./);
    await shoot(page, "12-phase-gate");
  });

  it("a recruiter sees the students who booked them, reads their CV, and manages offers", async () => {
    const recruiter = await apiAs("recruiter1@example.com", "inf-demo-company");
    const { body: mine } = await recruiter<{ company: { id: string; name: string } }>("GET", "/company");
    const { slots } = await publicApi<{ slots: Slot[] }>(`/companies/${mine.company.id}`);
    const student = await apiAs("student160@example.com", STUDENT_PW);
    assert.equal((await student("POST", "/bookings", { slotId: slots[2]!.id })).status, 201);
    const cv = await fetch(`${app.url}/api/auth/login`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ email: "student160@example.com", password: STUDENT_PW }) });
    const { token, user } = (await cv.json()) as { token: string; user: { fullName: string } };
    assert.equal((await fetch(`${app.url}/api/profile/cv`, { method: "PUT", headers: { authorization: `Bearer ${token}`, "content-type": "application/pdf" }, body: tinyPdf })).status, 201);

    const page = await newPage();
    await login(page, "recruiter1@example.com", "inf-demo-company");
    await page.waitForURL(/\/recruiter$/);
    await page.getByRole("heading", { name: mine.company.name }).waitFor();
    const row = page.locator(".day-row", { hasText: user.fullName });
    await row.waitFor();
    assert.ok(((await row.textContent()) ?? "").includes("student160@example.com"));
    const [download] = await Promise.all([page.waitForEvent("download"), row.getByRole("button", { name: "CV" }).click()]);
    assert.ok(readFileSync((await download.path())!).subarray(0, 5).equals(Buffer.from("%PDF-")));
    await shoot(page, "13-recruiter-dashboard");

    await page.getByRole("link", { name: "Profil et offres" }).click();
    await page.getByLabel("Intitulé").fill("Stage en vision par ordinateur");
    await page.getByLabel("Mots-clés").fill("ai, vision");
    await page.getByLabel("Lieu").fill("Namur");
    // The draft survives a reload.
    await page.waitForTimeout(400);
    await page.reload();
    await page.getByText("Brouillon non enregistré restauré.").first().waitFor();
    assert.equal(await page.getByLabel("Intitulé").inputValue(), "Stage en vision par ordinateur");
    await page.getByRole("button", { name: "Publier l’offre" }).click();
    await page.getByText("Offre publiée.").waitFor();
    await page.locator(".offer-row", { hasText: "Stage en vision par ordinateur" }).waitFor();
    await shoot(page, "14-recruiter-company");
    const { body: offers } = await recruiter<{ offers: { title: string; tags: string[] }[] }>("GET", "/company/offers");
    assert.deepEqual(offers.offers.find((o) => o.title === "Stage en vision par ordinateur")?.tags, ["ai", "vision"]);
  });

  it("a new recruiter's company awaits verification", async () => {
    const page = await newPage();
    await page.goto("/signup");
    await page.getByText("Recruteur·euse", { exact: true }).click();
    await page.getByLabel("Nom complet").fill("Ingrid Solberg");
    await page.getByLabel("Entreprise").fill(NEW_COMPANY);
    const ingrid = `ingrid.${Date.now()}@nordlys.example`;
    await page.getByLabel("Adresse e-mail").fill(ingrid);
    await page.getByLabel("Mot de passe").fill("correct horse battery");
    await page.getByRole("button", { name: "Créer mon compte" }).click();
    await page.getByRole("heading", { name: "Consultez votre boîte mail" }).waitFor();
    await verifyFromInbox(page, ingrid);
    await page.getByRole("link", { name: "Continuer" }).click();
    await page.waitForURL(/\/recruiter$/);
    await page.getByText("En attente de vérification.").waitFor();
    await page.getByText("Pas encore de créneaux").waitFor();
    await shoot(page, "15-recruiter-unverified");
  });

  it("a recruiter on a phone checks students in: one by the QR code the camera reads, one by name", async () => {
    const recruiter = await apiAs("recruiter2@example.com", "inf-demo-company");
    const { body: mine } = await recruiter<{ company: { id: string } }>("GET", "/company");
    const { slots } = await publicApi<{ slots: Slot[] }>(`/companies/${mine.company.id}`);
    const [scanned, ticked] = [await apiAs("student181@example.com", STUDENT_PW), await apiAs("student182@example.com", STUDENT_PW)];
    assert.equal((await scanned("POST", "/bookings", { slotId: slots[6]!.id })).status, 201);
    assert.equal((await ticked("POST", "/bookings", { slotId: slots[7]!.id })).status, 201);
    const scannedName = (await scanned<{ user: { fullName: string } }>("GET", "/me")).body.user.fullName;
    const tickedName = (await ticked<{ user: { fullName: string } }>("GET", "/me")).body.user.fullName;

    // The student opens their check-in code: drawn in the page, no outside service.
    const student = await newPage();
    await login(student, "student181@example.com", STUDENT_PW);
    await student.getByRole("navigation").getByRole("link", { name: "Mon planning" }).click();
    await student.getByRole("button", { name: "Mon code d’accueil" }).click();
    const qr = student.locator("img.qr-img");
    await qr.waitFor();
    await shoot(student, "26-schedule-checkin-code");
    const png = (await qr.screenshot()).toString("base64");

    // The recruiter's phone: its camera is a stub that films the student's screen (the PNG above).
    const phone = await newPage();
    await phone.setViewportSize(WIDTHS.phone);
    await phone.addInitScript((image: string) => {
      navigator.mediaDevices.getUserMedia = async () => {
        const canvas = Object.assign(document.createElement("canvas"), { width: 640, height: 480 });
        const ctx = canvas.getContext("2d")!;
        const img = new Image();
        img.src = `data:image/png;base64,${image}`;
        await img.decode();
        const draw = () => {
          ctx.fillStyle = "#d8d4cc";
          ctx.fillRect(0, 0, 640, 480);
          ctx.drawImage(img, 320 - img.width / 2, 240 - img.height / 2);
        };
        draw();
        setInterval(draw, 100);
        return canvas.captureStream(10);
      };
    }, png);
    await login(phone, "recruiter2@example.com", "inf-demo-company");
    await phone.goto("/recruiter/checkin");
    await phone.getByRole("heading", { name: "Accueil des candidat·e·s" }).waitFor();
    await phone.locator(".checkin-name", { hasText: scannedName }).waitFor();
    await phone.getByRole("button", { name: "Ouvrir la caméra" }).click();
    await phone.getByText(new RegExp(`✓ ${scannedName} \\(.+\\) : Présent·e\\.`)).waitFor({ timeout: 20_000 });
    await phone.screenshot({ path: join(SHOTS, "27-recruiter-checkin-scanned-phone.png"), fullPage: true });
    await phone.getByRole("button", { name: "Fermer la caméra" }).click();

    // By name: the second student came late.
    await phone.getByRole("button", { name: `En retard · ${tickedName}` }).click();
    await phone.getByText(`${tickedName} : En retard.`).waitFor();
    assert.equal(await phone.getByRole("button", { name: `En retard · ${tickedName}` }).getAttribute("aria-pressed"), "true");
    await shoot(phone, "28-recruiter-checkin");
    const { body } = await recruiter<{ slots: { students: { fullName: string; attendance: string | null }[] }[] }>("GET", "/company/slots");
    const marks = Object.fromEntries(body.slots.flatMap((s) => s.students.map((st) => [st.fullName, st.attendance])));
    assert.equal(marks[scannedName], "present");
    assert.equal(marks[tickedName], "late");
    await phone.goto("/recruiter");
    await phone.locator(".day-row", { hasText: tickedName }).waitFor();
    await shoot(phone, "29-recruiter-dashboard-day");
  });

  it("the office finds a student at the desk and moves their interview; the student's schedule shows the new time", async () => {
    const { companies } = await publicApi<{ companies: { id: string; name: string }[] }>("/companies");
    const target = companies[3]!;
    const { slots } = await publicApi<{ slots: Slot[] }>(`/companies/${target.id}`);
    const student = await apiAs("student183@example.com", STUDENT_PW);
    assert.equal((await student("POST", "/bookings", { slotId: slots[1]!.id })).status, 201);
    const name = (await student<{ user: { fullName: string } }>("GET", "/me")).body.user.fullName;

    const page = await newPage();
    await login(page, "admin@example.com", "inf-demo-admin");
    await page.getByRole("navigation").getByRole("link", { name: "Accueil", exact: true }).click();
    await page.getByLabel("Nom ou adresse e-mail").fill("student183@");
    const card = page.locator(".desk-student", { hasText: "student183@example.com" });
    await card.locator("tbody tr", { hasText: target.name }).waitFor();
    await shoot(page, "30-admin-desk");
    const oldTime = (await card.locator("tbody tr td").first().textContent())!;
    await card.getByRole("button", { name: new RegExp(`^Déplacer · ${name}`) }).click();
    const dialog = page.getByRole("dialog");
    await dialog.getByLabel("Nouveau créneau").locator("option").nth(3).waitFor({ state: "attached" });
    const option = dialog.getByLabel("Nouveau créneau").locator("option").nth(3);
    const newTime = (await option.textContent())!.split(" · ")[0]!;
    await dialog.getByLabel("Nouveau créneau").selectOption({ index: 3 });
    await dialog.getByLabel("Motif").fill("Conflit avec un examen");
    await dialog.getByRole("button", { name: "Déplacer" }).click();
    await page.getByText(`${name} a maintenant rendez-vous à ${newTime}.`).waitFor();
    await card.locator("tbody tr", { hasText: "déplacé par le service carrières" }).waitFor();
    await shoot(page, "31-admin-desk-moved");
    assert.notEqual(newTime, oldTime);

    const mine = await newPage();
    await login(mine, "student183@example.com", STUDENT_PW);
    await mine.getByRole("navigation").getByRole("link", { name: "Mon planning" }).click();
    await mine.locator(".timeline-item .when-time", { hasText: newTime }).waitFor();
    assert.equal(await mine.locator(".timeline-item .when-time", { hasText: oldTime }).count(), 0);
    await mine.getByText("Conflit avec un examen").waitFor();
    await shoot(mine, "32-schedule-after-move");
  });

  it("the career office configures the event, verifies a company, generates its slots and closes booking", async () => {
    const page = await newPage();
    await login(page, "admin@example.com", "inf-demo-admin");
    await page.waitForURL(/\/admin$/);
    await page.getByRole("heading", { name: "Suivi en direct" }).waitFor();
    await page.locator(".stat-value", { hasText: "%" }).first().waitFor();
    await shoot(page, "16-admin-monitor");

    // Configuration: a cross-field error is shown on its field and nothing is saved; then a real change.
    await page.getByRole("link", { name: "Configuration" }).click();
    await page.getByLabel("Maximum au total").waitFor();
    await page.waitForFunction(() => !(document.getElementById("f-maxBookingsTotal") as HTMLInputElement).disabled);
    await page.getByLabel("Maximum en phase 1").fill("9");
    await page.getByRole("button", { name: "Enregistrer la configuration" }).click();
    await page.getByText("the phase-1 cap cannot exceed the total cap").waitFor();
    await shoot(page, "17-admin-config-error");
    assert.equal((await publicApi<{ event: { maxBookingsPhase1: number } }>("/event")).event.maxBookingsPhase1, 3);
    await page.getByLabel("Maximum en phase 1").fill("3");
    await page.getByLabel("Maximum au total").fill("7");
    await page.getByRole("button", { name: "Enregistrer la configuration" }).click();
    await page.getByText("Configuration enregistrée.").waitFor();
    assert.equal((await publicApi<{ event: { maxBookingsTotal: number } }>("/event")).event.maxBookingsTotal, 7);
    await shoot(page, "18-admin-config");

    // Verify the company that signed up, then generate its slots after a preview.
    await page.getByRole("link", { name: "Entreprises" }).click();
    await page.getByRole("button", { name: `Vérifier ${NEW_COMPANY}` }).click();
    await page.getByText(`${NEW_COMPANY} est vérifiée.`).waitFor();
    await shoot(page, "19-admin-companies");
    await page.locator(".company-row", { hasText: NEW_COMPANY }).getByRole("button", { name: "Inviter un recruteur" }).click();
    await page.getByLabel("E-mail du recruteur").fill("second.recruiter@nordlys.example");
    await shoot(page, "19b-admin-invite");
    await page.getByRole("dialog").getByRole("button", { name: "Envoyer l'invitation" }).click();
    await page.getByText("Invitation envoyée à second.recruiter@nordlys.example").waitFor();
    await page.getByRole("link", { name: "Comptes" }).click();
    await page.getByLabel("L'e-mail contient").fill("student12");
    await page.getByRole("button", { name: "Chercher" }).click();
    await page.locator(".company-row", { hasText: "student120@example.com" }).waitFor();
    await shoot(page, "19c-admin-accounts");
    await page.getByRole("link", { name: "Créneaux" }).click();
    await page.getByLabel(NEW_COMPANY).waitFor();
    await page.getByRole("button", { name: "Tout décocher" }).click();
    await page.getByLabel(NEW_COMPANY).check();
    await page.locator("main > section p", { hasText: /16 créneaux par entreprise · 16 à créer/ }).waitFor();
    await shoot(page, "20-admin-slots-preview");
    await page.getByRole("button", { name: "Générer pour 1 entreprise(s)" }).click();
    await page.getByRole("dialog").getByRole("button", { name: "Générer" }).click();
    await page.getByText("Fait : 16 créés, 0 retirés, 0 réservés conservés.").waitFor();
    const { companies } = await publicApi<{ companies: { id: string; name: string; slotCount: number }[] }>("/companies");
    assert.equal(companies.find((c) => c.name === NEW_COMPANY)?.slotCount, 16);

    await page.getByRole("link", { name: "Liste prioritaire" }).click();
    await page.getByRole("heading", { name: "Sur la liste (40)" }).waitFor();
    await page.getByLabel("Adresses e-mail").fill("student199@example.com\nSTUDENT200@example.com, student1@example.com");
    await page.getByText("3 adresse(s) reconnue(s)").waitFor();
    await page.getByRole("button", { name: "Importer 3 adresse(s)" }).click();
    await page.getByText("2 ajoutée(s), 1 déjà présente(s), 2 compte(s) marqué(s).").waitFor();
    await page.getByRole("heading", { name: "Sur la liste (42)" }).waitFor();
    await shoot(page, "21-admin-deprioritized");
    await page.getByRole("link", { name: "Journal" }).click();
    await page.getByText("slots.generate").first().waitFor();
    await shoot(page, "22-admin-audit");

    // The kill switch, behind a confirmation; a student then finds booking closed.
    await page.getByRole("link", { name: "Configuration" }).click();
    await page.getByRole("switch").click();
    await page.getByRole("button", { name: "Fermer maintenant" }).click();
    await page.getByText("Réservations fermées.", { exact: true }).waitFor();
    assert.equal((await publicApi<{ event: { bookingOpen: boolean } }>("/event")).event.bookingOpen, false);

    const student = await newPage();
    await login(student, "student170@example.com", STUDENT_PW);
    await student.getByText("Réservations fermées par le service carrières").waitFor();
    await student.locator(".offer-card a").nth(3).click();
    await student.locator("button.slot:not([disabled])").first().click();
    await expectOutcome(student, "Les réservations sont fermées pour le moment.");
    await shoot(student, "23-booking-closed");
  });

  it("a student ranks wishes (buttons, keyboard, drag), the office dry-runs then runs the draw, the student sees each result and why; the office sees fairness", async () => {
    const { companies } = await publicApi<{ companies: { id: string; name: string }[] }>("/companies");
    const id = (name: string) => companies.find((c) => c.name === name)!.id;
    const page = await newPage();
    await login(page, "student120@example.com", STUDENT_PW);
    await page.getByRole("link", { name: "Vœux ouverts : classez les vôtres →" }).click();
    await page.getByRole("heading", { name: "Mes vœux" }).waitFor();
    await page.getByText("Aucun vœu pour l’instant").waitFor();
    // The commitments are public before any wish.
    assert.match((await page.locator(".proof .hash").first().textContent()) ?? "", /^[0-9a-f]{64}$/);
    for (const name of ["Aurora Robotics", "Cobalt Cloud", "Echo Health", "Kite Media"]) {
      await page.getByLabel("Entreprise à ajouter").selectOption({ label: name });
      await page.getByRole("button", { name: "Ajouter", exact: true }).click();
    }
    const order = async () => page.locator(".wish .wish-company").evaluateAll((els) => els.map((e) => e.lastChild?.textContent));
    await page.getByRole("button", { name: "Monter Cobalt Cloud" }).click();
    assert.deepEqual(await order(), ["Cobalt Cloud", "Aurora Robotics", "Echo Health", "Kite Media"]);
    // The keyboard: Alt + ↑ on a focused wish; the focus stays with it.
    await page.getByRole("button", { name: "Monter Echo Health" }).focus();
    await page.keyboard.press("Alt+ArrowUp");
    assert.deepEqual(await order(), ["Cobalt Cloud", "Echo Health", "Aurora Robotics", "Kite Media"]);
    assert.equal(await page.evaluate(() => document.activeElement?.getAttribute("aria-label")), "Monter Echo Health");
    await page.getByText("Echo Health est maintenant n° 2.").waitFor({ state: "attached" });
    // Drag and drop: Kite Media to the top.
    await page.locator(`[data-wish="${id("Kite Media")}"]`).dragTo(page.locator(`[data-wish="${id("Cobalt Cloud")}"]`));
    assert.deepEqual(await order(), ["Kite Media", "Cobalt Cloud", "Echo Health", "Aurora Robotics"]);
    // A window no slot fits: that wish will be lost, and the results will say why.
    await page.locator(`[data-wish="${id("Aurora Robotics")}"]`).getByLabel("Pas avant").fill("12:50");
    await page.getByRole("button", { name: "Enregistrer mes vœux" }).click();
    await page.getByText("Vœux enregistrés.").waitFor();
    await shoot(page, "30-wishes");
    const student = await apiAs("student120@example.com", STUDENT_PW);
    const saved = (await student<{ wishes: { companyId: string; rank: number; notBefore?: string }[] }>("GET", "/wishes")).body.wishes;
    assert.deepEqual(saved.map((w) => [w.rank, companies.find((c) => c.id === w.companyId)?.name, w.notBefore ?? null]), [
      [1, "Kite Media", null],
      [2, "Cobalt Cloud", null],
      [3, "Echo Health", null],
      [4, "Aurora Robotics", "12:50"],
    ]);
    // Classmates rank Kite Media first too: 29 of them for its 32 seats.
    for (let i = 121; i <= 149; i++) {
      const other = await apiAs(`student${i}@example.com`, STUDENT_PW);
      assert.equal((await other("PUT", "/wishes", { wishes: [id("Kite Media"), companies[i % 12]!.id].filter((x, k, all) => all.indexOf(x) === k).map((companyId) => ({ companyId })) })).status, 200);
    }

    const office = await newPage();
    await login(office, "admin@example.com", "inf-demo-admin");
    await office.getByRole("link", { name: "Équité" }).click();
    const phase2 = office.locator("section.fair-phase", { has: office.getByRole("heading", { name: "Phase 2" }) });
    await phase2.getByRole("button", { name: "Simulation" }).click();
    await phase2.getByRole("columnheader", { name: "Simulation" }).waitFor();
    await shoot(office, "31-admin-fairness-dry-run");
    await phase2.getByRole("button", { name: "Lancer maintenant" }).click();
    await office.getByRole("dialog").getByRole("button", { name: "Lancer le tirage" }).click();
    await phase2.getByText(/^Tirage de la phase 2 terminé : \d+ entretiens réservés\.$/).waitFor({ timeout: 60_000 });
    await phase2.getByRole("columnheader", { name: "Tirage" }).waitFor();
    await shoot(office, "32-admin-fairness");

    await page.goto("/wishes");
    await page.getByRole("link", { name: "Voir les résultats du tirage" }).click();
    await page.getByRole("heading", { name: "Résultats du tirage" }).waitFor();
    await page.getByText(/^Votre tour dans le tirage : \d+ sur 30$/).waitFor();
    const results = page.locator(".result");
    assert.equal(await results.count(), 4);
    await results.filter({ hasText: "Aurora Robotics" }).getByText("aucun créneau dans vos horaires").waitFor();
    await results.filter({ hasText: "Cobalt Cloud" }).getByText(/^entretien à \d\d:\d\d$/).waitFor();
    // The seed is revealed, with the command that checks the whole draw.
    assert.match((await page.locator(".cmd").first().textContent()) ?? "", /draw verify --phase 2 --seed [0-9a-f]{64}/);
    await shoot(page, "33-draw-results");
    const mine = (await student<{ bookings: { origin: string; phase: number }[] }>("GET", "/bookings")).body.bookings;
    assert.ok(mine.some((b) => b.origin === "draw" && b.phase === 2), "the draw's bookings are in the schedule");
  });

  it("a student who forgot the password gets a link in the local inbox, chooses a new one and is logged in; the old one no longer works", async () => {
    const page = await newPage();
    const email = "student150@example.com";
    await page.goto("/login");
    await page.getByRole("link", { name: "Mot de passe oublié ?" }).click();
    await page.getByLabel("Adresse e-mail").fill(email);
    await page.getByRole("button", { name: "Envoyer le lien" }).click();
    await page.getByText(`Si ${email} a un compte, un lien est en route.`).waitFor();
    await shoot(page, "26-forgot-password");
    const mail = await inboxMail(page, email, /Réinitialiser votre mot de passe/);
    await mail.getByRole("link", { name: /\/reset-password\?token=/ }).click();
    await page.getByRole("heading", { name: "Choisissez un nouveau mot de passe" }).waitFor();
    await page.getByLabel("Nouveau mot de passe").fill("a fresh passphrase");
    await shoot(page, "27-reset-password");
    await page.getByRole("button", { name: "Enregistrer et me connecter" }).click();
    await page.waitForURL(`${app.url}/`);
    await page.getByRole("link", { name: "Mon planning" }).waitFor();
    await page.getByRole("button", { name: "Se déconnecter" }).click();
    await page.waitForURL(/\/login/);
    await page.getByLabel("Adresse e-mail").fill(email);
    await page.getByLabel("Mot de passe").fill(STUDENT_PW);
    await page.getByRole("button", { name: "Se connecter" }).click();
    await page.getByText("E-mail ou mot de passe incorrect.").waitFor();
    await login(page, email, "a fresh passphrase");
    await page.getByRole("link", { name: "Mon planning" }).waitFor();
  });

  it("photographs the remaining pages", async () => {
    const page = await newPage();
    await page.goto("/login");
    await shoot(page, "24-login");
    await page.goto("/nowhere");
    await page.getByRole("heading", { name: "Page introuvable" }).waitFor();
    await shoot(page, "25-not-found");
  });

  it("no page broke the Content-Security-Policy", () => {
    assert.deepEqual(cspViolations, []);
  });
});
