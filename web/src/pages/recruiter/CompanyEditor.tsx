// The recruiter's company profile and offers. Both forms keep a local draft across reloads.
import { useState } from "preact/hooks";
import type { Company, Offer } from "../../../../worker/domain/contract.ts";
import { CONTRACT_TYPES, MAX_TAGS } from "../../../../worker/domain/offers.ts";
import { Alert, Confirm, Empty, Field, Spinner, errorText, usePageTitle } from "../../components/ui.tsx";
import { fieldMessages } from "../../lib/api.ts";
import { useDraft } from "../../lib/draft.ts";
import { useT } from "../../lib/i18n.ts";
import { contractLabel } from "../../lib/labels.ts";
import { useMyCompany, useOffers } from "../../lib/use-my-company.ts";
import { Icon } from "../../components/Icon.tsx";

type ProfileForm = { name: string; description: string; website: string; booth: string; note: string };
const profileForm = (c: Company): ProfileForm => ({ name: c.name, description: c.description, website: c.website ?? "", booth: c.booth ?? "", note: c.note ?? "" });
type OfferForm = { id: string | null; title: string; description: string; tags: string; contractType: string; location: string };
const blankOffer: OfferForm = { id: null, title: "", description: "", tags: "", contractType: "internship", location: "" };

export function CompanyEditor() {
  const t = useT();
  usePageTitle(t("editor.title"));
  const { me, error, saveProfile: save } = useMyCompany();
  const { offers, save: putOffer, remove } = useOffers();
  const initial = me ? profileForm(me.company) : null;
  const profile = useDraft<ProfileForm>("company-profile", initial);
  const offer = useDraft<OfferForm>("offer", blankOffer);
  const [saving, setSaving] = useState<"profile" | "offer" | null>(null);
  const [msg, setMsg] = useState<{ where: "profile" | "offer"; kind: "success" | "error"; text: string } | null>(null);
  const [fields, setFields] = useState<Record<string, string>>({});
  const [deleting, setDeleting] = useState<Offer | null>(null);


  const saveProfile = async (e: Event) => {
    e.preventDefault();
    if (!profile.value) return;
    setSaving("profile");
    setFields({});
    try {
      const company = await save(profile.value);
      profile.clear(profileForm(company));
      setMsg({ where: "profile", kind: "success", text: t("editor.saved") });
    } catch (err) {
      setFields(fieldMessages(err));
      setMsg({ where: "profile", kind: "error", text: errorText(err) });
    } finally {
      setSaving(null);
    }
  };
  const saveOffer = async (e: Event) => {
    e.preventDefault();
    const v = offer.value!;
    setSaving("offer");
    setFields({});
    const body = { title: v.title, description: v.description, location: v.location, contractType: v.contractType, tags: v.tags.split(",").map((s) => s.trim()).filter(Boolean) };
    try {
      await putOffer(v.id, body);
      offer.clear(blankOffer);
      setMsg({ where: "offer", kind: "success", text: v.id ? t("editor.offerUpdated") : t("editor.offerCreated") });
    } catch (err) {
      setFields(Object.fromEntries(Object.entries(fieldMessages(err)).map(([k, m]) => [`offer.${k.split(".")[0]}`, m])));
      setMsg({ where: "offer", kind: "error", text: errorText(err) });
    } finally {
      setSaving(null);
    }
  };
  const removeOffer = async () => {
    if (!deleting) return;
    try {
      await remove(deleting.id);
      setMsg({ where: "offer", kind: "success", text: t("editor.offerDeleted") });
    } catch (err) {
      setMsg({ where: "offer", kind: "error", text: errorText(err) });
    } finally {
      setDeleting(null);
    }
  };

  const p = profile.value;
  const o = offer.value ?? blankOffer;
  return (
    <main id="main" class="page">
      <a href="/recruiter" class="back">
        ← {t("editor.back")}
      </a>
      <h1>{t("editor.title")}</h1>
      {error ? <Alert>{errorText(error)}</Alert> : null}
      {me && !me.verified && (
        <Alert kind="warn">
          <strong>{t("recruiter.unverified")}</strong> {t("recruiter.unverifiedBody")}
        </Alert>
      )}
      <div class="two-col">
        <section class="card" aria-labelledby="profile-title">
          <h2 id="profile-title">{t("editor.profile")}</h2>
          {profile.restored && (
            <Alert kind="info">
              {t("editor.draftRestored")}{" "}
              <button type="button" class="link-button" onClick={profile.discard}>
                {t("editor.discard")}
              </button>
            </Alert>
          )}
          <form onSubmit={saveProfile} noValidate>
            <Field id="c-name" label={t("editor.name")} error={fields.name}>
              <input id="c-name" required value={p?.name ?? ""} disabled={!p} onInput={(e) => profile.update({ name: e.currentTarget.value })} />
            </Field>
            <Field id="c-desc" label={t("editor.description")} error={fields.description}>
              <textarea id="c-desc" rows={5} value={p?.description ?? ""} disabled={!p} onInput={(e) => profile.update({ description: e.currentTarget.value })} />
            </Field>
            <Field id="c-web" label={t("editor.website")} error={fields.website} hint="https://…">
              <input id="c-web" type="url" value={p?.website ?? ""} disabled={!p} onInput={(e) => profile.update({ website: e.currentTarget.value })} />
            </Field>
            <div class="row-2">
              <Field id="c-booth" label={t("editor.booth")} error={fields.booth} hint={t("editor.boothHint")}>
                <input id="c-booth" maxLength={60} value={p?.booth ?? ""} disabled={!p} onInput={(e) => profile.update({ booth: e.currentTarget.value })} />
              </Field>
              <Field id="c-note" label={t("editor.note")} error={fields.note} hint={t("editor.noteHint")}>
                <input id="c-note" maxLength={280} value={p?.note ?? ""} disabled={!p} onInput={(e) => profile.update({ note: e.currentTarget.value })} />
              </Field>
            </div>
            {msg?.where === "profile" && <Alert kind={msg.kind}>{msg.text}</Alert>}
            <button class="btn btn-primary" disabled={!p || saving !== null}>
              {saving === "profile" && <Spinner />}
              {t("editor.save")}
            </button>
          </form>
        </section>
        <section class="card" aria-labelledby="offer-form-title">
          <h2 id="offer-form-title">{o.id ? t("editor.editOffer") : t("editor.newOffer")}</h2>
          {offer.restored && (o.title || o.description) && (
            <Alert kind="info">
              {t("editor.draftRestored")}{" "}
              <button type="button" class="link-button" onClick={() => offer.clear(blankOffer)}>
                {t("editor.discard")}
              </button>
            </Alert>
          )}
          <form onSubmit={saveOffer} noValidate>
            <Field id="o-title" label={t("editor.offerTitle")} error={fields["offer.title"]}>
              <input id="o-title" required value={o.title} onInput={(e) => offer.update({ title: e.currentTarget.value })} />
            </Field>
            <div class="row-2">
              <Field id="o-contract" label={t("editor.contract")} error={fields["offer.contractType"]}>
                <select id="o-contract" value={o.contractType} onChange={(e) => offer.update({ contractType: e.currentTarget.value })}>
                  {CONTRACT_TYPES.map((c) => (
                    <option key={c} value={c}>
                      {contractLabel(c)}
                    </option>
                  ))}
                </select>
              </Field>
              <Field id="o-location" label={t("editor.location")} error={fields["offer.location"]}>
                <input id="o-location" value={o.location} onInput={(e) => offer.update({ location: e.currentTarget.value })} />
              </Field>
            </div>
            <Field id="o-tags" label={t("editor.tags")} error={fields["offer.tags"]} hint={t("editor.tagsHint", { n: MAX_TAGS })}>
              <input id="o-tags" value={o.tags} onInput={(e) => offer.update({ tags: e.currentTarget.value })} />
            </Field>
            <Field id="o-desc" label={t("editor.description")} error={fields["offer.description"]}>
              <textarea id="o-desc" rows={4} value={o.description} onInput={(e) => offer.update({ description: e.currentTarget.value })} />
            </Field>
            {msg?.where === "offer" && <Alert kind={msg.kind}>{msg.text}</Alert>}
            <div class="actions">
              <button class="btn btn-primary" disabled={saving !== null}>
                {saving === "offer" && <Spinner />}
                {o.id ? t("editor.save") : t("editor.create")}
              </button>
              {o.id && (
                <button type="button" class="btn btn-ghost" onClick={() => offer.clear(blankOffer)}>
                  {t("common.cancel")}
                </button>
              )}
            </div>
          </form>
        </section>
      </div>
      <section aria-labelledby="offers-title">
        <h2 id="offers-title">{t("editor.offers")}</h2>
        {offers && offers.length === 0 && <Empty title={t("editor.noOffers")} />}
        <ul class="offer-list">
          {offers?.map((x) => (
            <li key={x.id} class="card offer-row">
              <div>
                <strong>{x.title}</strong>
                <p class="offer-meta">
                  <span class="pill">{contractLabel(x.contractType)}</span>
                  {x.location && <span class="pill pill-plain"><Icon name="pin" size={13} /> {x.location}</span>}
                  {x.tags.map((tg) => (
                    <span key={tg} class="tag">
                      #{tg}
                    </span>
                  ))}
                </p>
              </div>
              <div class="actions">
                <button
                  type="button"
                  class="btn btn-small"
                  onClick={() => {
                    offer.clear({ id: x.id, title: x.title, description: x.description, tags: x.tags.join(", "), contractType: x.contractType, location: x.location });
                    document.getElementById("o-title")?.focus();
                  }}
                >
                  {t("editor.edit")}
                </button>
                <button type="button" class="btn btn-small btn-ghost" onClick={() => setDeleting(x)}>
                  {t("editor.delete")}
                </button>
              </div>
            </li>
          ))}
        </ul>
      </section>
      <Confirm open={deleting !== null} title={t("editor.deleteTitle")} confirm={t("editor.delete")} danger onConfirm={() => void removeOffer()} onClose={() => setDeleting(null)}>
        <p>{deleting?.title}</p>
      </Confirm>
    </main>
  );
}
