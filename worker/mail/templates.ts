// Every message the platform sends, in French and English: subject, plain text, the links it
// carries (the local inbox lists them) and attachments (the booking's .ics). Pure: tests snapshot them.
import type { Lang } from "../domain/contract.ts";
import { icsCalendar } from "../domain/ics.ts";
import type { Interview, Mail, MailData, MailKind, Rendered } from "./types.ts";

const LOCALE: Record<Lang, string> = { fr: "fr-BE", en: "en-GB" };

// Building an Intl.DateTimeFormat costs far more than using one (the bench's profile: the most
// expensive line of a herd, one mail per confirmed booking): one per language, zone and shape.
const formats = new Map<string, Intl.DateTimeFormat>();
function format(lang: Lang, timeZone: string, shape: "when" | "hour"): Intl.DateTimeFormat {
  const key = `${lang}|${timeZone}|${shape}`;
  let f = formats.get(key);
  if (!f) {
    const options: Intl.DateTimeFormatOptions =
      shape === "when" ? { timeZone, weekday: "long", day: "numeric", month: "long", year: "numeric", hour: "2-digit", minute: "2-digit" } : { timeZone, hour: "2-digit", minute: "2-digit" };
    formats.set(key, (f = new Intl.DateTimeFormat(LOCALE[lang], options)));
  }
  return f;
}
// Formatting a date costs too (~0.1 ms each, two per booking mail), and a herd's mails name the
// same few slot times over and over: the strings are kept, a bounded set (cleared when full).
const formatted = new Map<string, string>();
const FORMATTED_MAX = 4096;
function formatAt(lang: Lang, iso: string, timeZone: string, shape: "when" | "hour"): string {
  const key = `${shape}|${lang}|${timeZone}|${iso}`;
  let s = formatted.get(key);
  if (s === undefined) {
    if (formatted.size >= FORMATTED_MAX) formatted.clear();
    formatted.set(key, (s = format(lang, timeZone, shape).format(new Date(iso))));
  }
  return s;
}
const when = (lang: Lang, iso: string, timeZone: string) => formatAt(lang, iso, timeZone, "when");
const hour = (lang: Lang, iso: string, timeZone: string) => formatAt(lang, iso, timeZone, "hour");

const SIGN: Record<Lang, string> = { fr: "— Le service carrières (INF)", en: "— The career office (INF)" };

function interviewLine(lang: Lang, i: Interview, timeZone: string): string {
  const booth = i.booth ? (lang === "fr" ? ` — stand ${i.booth}` : ` — booth ${i.booth}`) : "";
  return `• ${when(lang, i.startsAt, timeZone)}–${hour(lang, i.endsAt, timeZone)}${lang === "fr" ? " : " : ": "}${i.companyName}${booth}`;
}

const list = (lang: Lang, xs: Interview[], tz: string) => xs.map((i) => interviewLine(lang, i, tz)).join("\n");

type Body = { subject: string; lines: string[] };
type Template<K extends MailKind> = (lang: Lang, d: MailData[K]) => Body;

const T: { [K in MailKind]: Template<K> } = {
  verify: (lang, d) =>
    lang === "fr"
      ? { subject: "Confirmez votre adresse e-mail", lines: [`Bonjour ${d.name},`, "", "Pour réserver vos entretiens à l'INF, confirmez votre adresse en ouvrant ce lien :", d.link, "", "Ce lien reste valable 48 heures. Si vous n'avez pas créé de compte, ignorez ce message."] }
      : { subject: "Confirm your e-mail address", lines: [`Hello ${d.name},`, "", "To book your INF interviews, confirm your address by opening this link:", d.link, "", "The link stays valid for 48 hours. If you did not create an account, ignore this message."] },
  account_exists: (lang, d) =>
    lang === "fr"
      ? { subject: "Vous avez déjà un compte INF", lines: [`Bonjour ${d.name},`, "", "Quelqu'un (vous, sans doute) a voulu créer un compte avec cette adresse, mais vous en avez déjà un.", `Connectez-vous : ${d.loginLink}`, `Mot de passe oublié ? ${d.resetLink}`, "", "Si ce n'était pas vous, ignorez ce message : rien n'a changé."] }
      : { subject: "You already have an INF account", lines: [`Hello ${d.name},`, "", "Someone (probably you) tried to create an account with this address, but you already have one.", `Log in: ${d.loginLink}`, `Forgot your password? ${d.resetLink}`, "", "If it was not you, ignore this message: nothing has changed."] },
  reset: (lang, d) =>
    lang === "fr"
      ? { subject: "Réinitialiser votre mot de passe", lines: [`Bonjour ${d.name},`, "", "Pour choisir un nouveau mot de passe, ouvrez ce lien :", d.link, "", "Il ne sert qu'une fois et expire dans 30 minutes. Si vous n'avez rien demandé, ignorez ce message."] }
      : { subject: "Reset your password", lines: [`Hello ${d.name},`, "", "To choose a new password, open this link:", d.link, "", "It works once and expires in 30 minutes. If you did not ask for it, ignore this message."] },
  invitation: (lang, d) =>
    lang === "fr"
      ? { subject: `Rejoignez ${d.companyName} sur la plateforme INF`, lines: ["Bonjour,", "", `Le service carrières vous invite à gérer les entretiens de ${d.companyName} à l'INF.`, "Créez votre compte (ou liez celui que vous avez) avec ce lien :", d.link, "", `L'invitation expire le ${when(lang, d.expiresAt, "Europe/Brussels")}.`] }
      : { subject: `Join ${d.companyName} on the INF platform`, lines: ["Hello,", "", `The career office invites you to manage ${d.companyName}'s interviews at the INF.`, "Create your account (or link the one you have) with this link:", d.link, "", `The invitation expires on ${when(lang, d.expiresAt, "Europe/Brussels")}.`] },
  booking_confirmed: (lang, d) =>
    lang === "fr"
      ? { subject: `Entretien confirmé : ${d.interview.companyName}`, lines: [`Bonjour ${d.name},`, "", `Votre entretien à l'${d.eventName} est confirmé :`, interviewLine(lang, d.interview, d.timeZone), "", "L'invitation pour votre agenda est jointe (.ics).", `Votre planning : ${d.link}`] }
      : { subject: `Interview confirmed: ${d.interview.companyName}`, lines: [`Hello ${d.name},`, "", `Your interview at ${d.eventName} is confirmed:`, interviewLine(lang, d.interview, d.timeZone), "", "The calendar invitation is attached (.ics).", `Your schedule: ${d.link}`] },
  booking_cancelled: (lang, d) =>
    lang === "fr"
      ? { subject: `Entretien annulé : ${d.interview.companyName}`, lines: [`Bonjour ${d.name},`, "", `Votre entretien à l'${d.eventName} est annulé :`, interviewLine(lang, d.interview, d.timeZone), "", `Votre planning : ${d.link}`] }
      : { subject: `Interview cancelled: ${d.interview.companyName}`, lines: [`Hello ${d.name},`, "", `Your interview at ${d.eventName} is cancelled:`, interviewLine(lang, d.interview, d.timeZone), "", `Your schedule: ${d.link}`] },
  draw_results: (lang, d) =>
    lang === "fr"
      ? { subject: `Résultats du tirage : ${d.interviews.length} entretien(s)`, lines: [`Bonjour ${d.name},`, "", `Le tirage de l'${d.eventName} vous a attribué :`, d.interviews.length ? list(lang, d.interviews, d.timeZone) : "• aucun entretien", ...(d.unmatched ? ["", `Souhaits non servis : ${d.unmatched}. Les créneaux encore libres restent réservables.`] : []), "", ...(d.interviews.length ? ["Les invitations pour votre agenda sont jointes (.ics)."] : []), `Votre planning : ${d.link}`] }
      : { subject: `Draw results: ${d.interviews.length} interview(s)`, lines: [`Hello ${d.name},`, "", `The ${d.eventName} draw gave you:`, d.interviews.length ? list(lang, d.interviews, d.timeZone) : "• no interview", ...(d.unmatched ? ["", `Wishes not served: ${d.unmatched}. Slots still free can be booked.`] : []), "", ...(d.interviews.length ? ["The calendar invitations are attached (.ics)."] : []), `Your schedule: ${d.link}`] },
  phase_reminder: (lang, d) =>
    lang === "fr"
      ? { subject: `La phase ${d.phase} des réservations ouvre demain`, lines: [`Bonjour ${d.name},`, "", `Les réservations de l'${d.eventName} (phase ${d.phase}) ouvrent le ${when(lang, d.opensAt, d.timeZone)}.`, `Préparez vos choix : ${d.link}`, "", "Vous pouvez désactiver ces rappels dans votre profil."] }
      : { subject: `Booking phase ${d.phase} opens tomorrow`, lines: [`Hello ${d.name},`, "", `${d.eventName} booking (phase ${d.phase}) opens on ${when(lang, d.opensAt, d.timeZone)}.`, `Get your choices ready: ${d.link}`, "", "You can turn these reminders off in your profile."] },
  interview_reminder: (lang, d) =>
    lang === "fr"
      ? { subject: `Demain à l'${d.eventName} : ${d.interviews.length} entretien(s)`, lines: [`Bonjour ${d.name},`, "", "Vos entretiens de demain :", list(lang, d.interviews, d.timeZone), "", "Arrivez quelques minutes en avance, avec votre CV.", `Votre planning : ${d.link}`, "", "Vous pouvez désactiver ces rappels dans votre profil."] }
      : { subject: `Tomorrow at ${d.eventName}: ${d.interviews.length} interview(s)`, lines: [`Hello ${d.name},`, "", "Your interviews tomorrow:", list(lang, d.interviews, d.timeZone), "", "Come a few minutes early, with your CV.", `Your schedule: ${d.link}`, "", "You can turn these reminders off in your profile."] },
  company_withdrawn: (lang, d) =>
    lang === "fr"
      ? { subject: `${d.companyName} se retire de l'${d.eventName}`, lines: [`Bonjour ${d.name},`, "", `${d.companyName} ne participe plus à l'${d.eventName}. Ces entretiens sont annulés :`, list(lang, d.interviews, d.timeZone), "", `Ils ne comptent plus dans vos plafonds. Réservez un autre créneau : ${d.link}`] }
      : { subject: `${d.companyName} has withdrawn from ${d.eventName}`, lines: [`Hello ${d.name},`, "", `${d.companyName} no longer takes part in ${d.eventName}. These interviews are cancelled:`, list(lang, d.interviews, d.timeZone), "", `They no longer count towards your limits. Book another slot: ${d.link}`] },
  booking_changed: (lang, d) => {
    const moved = d.change === "moved";
    if (lang === "fr") {
      const who = d.by === "office" ? "Le service carrières" : d.interview.companyName;
      return {
        subject: moved ? `Entretien déplacé : ${d.interview.companyName}` : `Entretien annulé par ${d.by === "office" ? "le service carrières" : d.interview.companyName}`,
        lines: [
          `Bonjour ${d.name},`,
          "",
          moved ? `Le service carrières a déplacé votre entretien à l'${d.eventName} :` : `${who} a annulé votre entretien à l'${d.eventName} :`,
          interviewLine(lang, d.interview, d.timeZone),
          ...(moved ? ["", d.movedTo ? `Votre nouvel entretien :\n${interviewLine(lang, d.movedTo, d.timeZone)}` : "Votre nouvel horaire est dans votre planning."] : []),
          "",
          `Motif : ${d.reason}`,
          "",
          moved ? `Votre planning : ${d.link}` : `Cet entretien ne compte plus dans vos plafonds. Votre planning : ${d.link}`,
        ],
      };
    }
    const who = d.by === "office" ? "The career office" : d.interview.companyName;
    return {
      subject: moved ? `Interview moved: ${d.interview.companyName}` : `Interview cancelled by ${d.by === "office" ? "the career office" : d.interview.companyName}`,
      lines: [
        `Hello ${d.name},`,
        "",
        moved ? `The career office has moved your interview at ${d.eventName}:` : `${who} has cancelled your interview at ${d.eventName}:`,
        interviewLine(lang, d.interview, d.timeZone),
        ...(moved ? ["", d.movedTo ? `Your new interview:\n${interviewLine(lang, d.movedTo, d.timeZone)}` : "Your new time is on your schedule."] : []),
        "",
        `Reason: ${d.reason}`,
        "",
        moved ? `Your schedule: ${d.link}` : `It no longer counts towards your limits. Your schedule: ${d.link}`,
      ],
    };
  },
};

const LINK = /https?:\/\/[^\s]+/g;

/** Interviews as an .ics: each VEVENT's UID is its booking's (the same in every mail: a calendar keeps one entry). */
function calendar(filename: string, lang: Lang, eventName: string, interviews: Interview[], dedupeKey: string) {
  return {
    filename,
    type: "text/calendar",
    content: icsCalendar(
      eventName,
      interviews.map((i, k) => ({
        uid: i.bookingId ?? `${dedupeKey}-${k}`,
        startsAt: i.startsAt,
        endsAt: i.endsAt,
        summary: `${lang === "fr" ? "Entretien INF" : "INF interview"} — ${i.companyName}`,
        description: eventName,
        location: i.booth ?? null,
      })),
    ),
  };
}

export function renderMail(mail: Mail): Rendered {
  const template = T[mail.kind] as Template<typeof mail.kind>;
  const body = template(mail.lang, mail.data as never);
  const text = [...body.lines, "", SIGN[mail.lang]].join("\n");
  const attachments =
    mail.kind === "booking_confirmed"
      ? [calendar("interview.ics", mail.lang, mail.data.eventName, [{ ...mail.data.interview, bookingId: mail.data.bookingId }], mail.dedupeKey)]
      : mail.kind === "draw_results" && mail.data.interviews.length
        ? [calendar("interviews.ics", mail.lang, mail.data.eventName, mail.data.interviews, mail.dedupeKey)]
        : [];
  return { subject: body.subject, text, links: [...new Set(text.match(LINK) ?? [])], attachments };
}
