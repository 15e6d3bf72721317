// Check-in on the day, phone-first: scan the student's code with the camera (or type it), or tick
// the student by name: present, late, no-show. The slot under way and the next ones come first.
import { useState } from "preact/hooks";
import type { Attendance, CompanySlot } from "../../../../worker/domain/contract.ts";
import { bookingIdOf } from "../../../../worker/domain/checkin-code.ts";
import { Icon } from "../../components/Icon.tsx";
import { Alert, Empty, Spinner, errorText, usePageTitle } from "../../components/ui.tsx";
import { ApiFailure } from "../../lib/api.ts";
import { event, useServerNow } from "../../lib/event.ts";
import { time } from "../../lib/format.ts";
import { type Key, useT } from "../../lib/i18n.ts";
import { session } from "../../lib/session.ts";
import { useStore } from "../../lib/store.ts";
import { studentOf, useCompanySlots } from "../../lib/use-company-slots.ts";
import { useQrScanner } from "../../lib/use-qr-scanner.ts";

const MARKS: Attendance[] = ["present", "late", "no_show"];

export function CheckIn() {
  const t = useT();
  usePageTitle(t("checkin.title"));
  const e = useStore(event);
  const now = useServerNow(30_000);
  const me = useStore(session);
  const day = useCompanySlots(me?.companyId ?? null, 10_000);
  const [code, setCode] = useState("");
  const [busy, setBusy] = useState<string | null>(null);
  const [result, setResult] = useState<{ kind: "success" | "error"; text: string } | null>(null);
  const tz = e?.timeZone;

  const submitCode = async (raw: string) => {
    const text = raw.trim();
    const id = bookingIdOf(text);
    if (!id) return setResult({ kind: "error", text: t("checkin.notACode") });
    setBusy(id);
    try {
      const booking = await day.attend(id, { token: text });
      const who = studentOf(day.slots, id);
      setResult({ kind: "success", text: t("checkin.done", { name: who?.student.fullName ?? "", time: time(booking.startsAt, tz), status: t(`attendance.${booking.attendance ?? "present"}` as Key) }) });
      setCode("");
    } catch (err) {
      setResult({ kind: "error", text: err instanceof ApiFailure && err.code === "not_found" ? t("checkin.notOurs") : err instanceof ApiFailure && err.code === "validation_failed" ? t("checkin.notACode") : errorText(err) });
    } finally {
      setBusy(null);
    }
  };
  const scanner = useQrScanner((text) => void submitCode(text));
  const mark = async (bookingId: string, name: string, status: Attendance) => {
    setBusy(`${bookingId}:${status}`);
    try {
      await day.attend(bookingId, { status });
      setResult({ kind: "success", text: t("checkin.marked", { name, status: t(`attendance.${status}` as Key) }) });
    } catch (err) {
      setResult({ kind: "error", text: errorText(err) });
    } finally {
      setBusy(null);
    }
  };

  // Slots still to come or under way first; those over at the end.
  const booked = (day.slots ?? []).filter((s) => s.students.length > 0);
  const upcoming = booked.filter((s) => now < Date.parse(s.endsAt));
  const over = booked.filter((s) => now >= Date.parse(s.endsAt));
  const row = (s: CompanySlot) => {
    const live = now >= Date.parse(s.startsAt) && now < Date.parse(s.endsAt);
    return (
      <li key={s.id} class={`checkin-slot card${live ? " live" : ""}`}>
        <h3 class="checkin-time">
          {time(s.startsAt, tz)} <span class="muted small">→ {time(s.endsAt, tz)}</span> {live && <span class="pill pill-ok">{t("checkin.now")}</span>}
        </h3>
        <ul class="checkin-people">
          {s.students.map((st) => (
            <li key={st.bookingId}>
              <span class="checkin-name">{st.fullName}</span>
              <div class="marks" role="group" aria-label={t("checkin.markFor", { name: st.fullName })}>
                {MARKS.map((m) => (
                  <button key={m} type="button" class={`btn btn-small mark mark-${m}${st.attendance === m ? " on" : ""}`} aria-pressed={st.attendance === m} aria-label={`${t(`attendance.${m}` as Key)} · ${st.fullName}`} disabled={busy !== null} onClick={() => void mark(st.bookingId, st.fullName, m)}>
                    {busy === `${st.bookingId}:${m}` ? <Spinner /> : m === "present" ? <Icon name="check" size={14} /> : null}
                    {t(`attendance.${m}` as Key)}
                  </button>
                ))}
              </div>
            </li>
          ))}
        </ul>
      </li>
    );
  };
  return (
    <main id="main" class="page checkin">
      <a href="/recruiter" class="back">
        ← {t("editor.back")}
      </a>
      <h1>{t("checkin.title")}</h1>
      <section class="card scanner" aria-labelledby="scan-title">
        <h2 id="scan-title">{t("checkin.scan")}</h2>
        <div class={`viewfinder${scanner.state === "scanning" ? " on" : ""}`}>
          <video ref={scanner.video} muted playsInline aria-label={t("checkin.camera")} />
          {scanner.state !== "scanning" && (
            <button type="button" class="btn btn-primary" onClick={() => void scanner.start()} disabled={scanner.state === "starting"}>
              {scanner.state === "starting" ? <Spinner /> : <Icon name="camera" />} {t("checkin.startCamera")}
            </button>
          )}
        </div>
        {scanner.state === "scanning" && (
          <button type="button" class="btn btn-small btn-ghost" onClick={scanner.stop}>
            {t("checkin.stopCamera")}
          </button>
        )}
        {(scanner.state === "denied" || scanner.state === "unavailable") && <Alert kind="info">{t(scanner.state === "denied" ? "checkin.denied" : "checkin.noCamera")}</Alert>}
        <form
          class="code-form"
          onSubmit={(ev) => {
            ev.preventDefault();
            void submitCode(code);
          }}
        >
          <label for="code">{t("checkin.typeCode")}</label>
          <div class="inline">
            <input id="code" autocomplete="off" autocapitalize="off" spellcheck={false} value={code} onInput={(ev) => setCode(ev.currentTarget.value)} placeholder="Aa0_…" />
            <button class="btn" disabled={!code.trim() || busy !== null}>
              {t("checkin.checkIn")}
            </button>
          </div>
        </form>
        <div aria-live="assertive" class="scan-result">
          {result && <Alert kind={result.kind}>{result.text}</Alert>}
        </div>
      </section>
      <section aria-labelledby="list-title">
        <h2 id="list-title">{t("checkin.byName")}</h2>
        {day.error ? <Alert onRetry={() => void day.reload()}>{errorText(day.error)}</Alert> : null}
        {day.slots && booked.length === 0 && <Empty title={t("checkin.nobody")} />}
        <ol class="checkin-list">{upcoming.map(row)}</ol>
        {over.length > 0 && (
          <details class="over">
            <summary>{t("checkin.over", { n: over.length })}</summary>
            <ol class="checkin-list">{over.map(row)}</ol>
          </details>
        )}
      </section>
    </main>
  );
}
