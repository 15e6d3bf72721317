// One ranked wish on the wishes page: its rank, the company, an optional time window, and the
// controls that move it (buttons, Alt + arrows on any of its controls, drag and drop).
import { useT } from "../lib/i18n.ts";
import type { DraftWish } from "../lib/use-wishes.ts";

interface RowProps {
  wish: DraftWish;
  index: number;
  count: number;
  company: string;
  editable: boolean;
  dragging: boolean;
  errors: { company: string | undefined; notBefore: string | undefined; notAfter: string | undefined };
  tz: string;
  onMove: (from: number, to: number, control?: string) => void;
  onRemove: () => void;
  onWindow: (key: "notBefore" | "notAfter", value: string) => void;
  onDragStart: () => void;
  onDrop: () => void;
  onDragEnd: () => void;
}

export function WishRow(p: RowProps) {
  const t = useT();
  const i = p.index;
  const id = `wish-${p.wish.companyId}`;
  const error = p.errors.company ?? p.errors.notBefore ?? p.errors.notAfter;
  return (
    <li
      class={`wish card${p.dragging ? " dragging" : ""}${error ? " has-error" : ""}`}
      data-wish={p.wish.companyId}
      draggable={p.editable}
      onDragStart={(ev) => {
        ev.dataTransfer?.setData("text/plain", p.wish.companyId);
        p.onDragStart();
      }}
      onDragOver={(ev) => p.editable && ev.preventDefault()}
      onDrop={(ev) => {
        ev.preventDefault();
        p.onDrop();
      }}
      onDragEnd={p.onDragEnd}
      onKeyDown={(ev) => {
        if (!p.editable || !ev.altKey || (ev.key !== "ArrowUp" && ev.key !== "ArrowDown")) return;
        ev.preventDefault();
        p.onMove(i, ev.key === "ArrowUp" ? i - 1 : i + 1, ev.key === "ArrowUp" ? "up" : "down");
      }}
    >
      {p.editable && <span class="wish-handle" aria-hidden="true" />}
      <span class="wish-rank" aria-hidden="true">
        {i + 1}
      </span>
      <div class="wish-main">
        <a class="wish-company" href={`/companies/${p.wish.companyId}`}>
          <span class="visually-hidden">{i + 1}. </span>
          {p.company}
        </a>
        <div class="wish-window" title={t("wishes.windowHint", { tz: p.tz })}>
          <label for={`${id}-nb`}>{t("wishes.notBefore")}</label>
          <input id={`${id}-nb`} type="time" step={300} value={p.wish.notBefore} disabled={!p.editable} aria-invalid={!!p.errors.notBefore} onInput={(ev) => p.onWindow("notBefore", ev.currentTarget.value)} />
          <label for={`${id}-na`}>{t("wishes.notAfter")}</label>
          <input id={`${id}-na`} type="time" step={300} value={p.wish.notAfter} disabled={!p.editable} aria-invalid={!!p.errors.notAfter} onInput={(ev) => p.onWindow("notAfter", ev.currentTarget.value)} />
        </div>
        {error && <p class="field-error">{error}</p>}
      </div>
      {p.editable && (
        <div class="wish-actions">
          <button type="button" class="btn btn-ghost btn-icon" data-control="up" disabled={i === 0} aria-label={t("wishes.up", { company: p.company })} onClick={() => p.onMove(i, i - 1, "up")}>
            ↑
          </button>
          <button type="button" class="btn btn-ghost btn-icon" data-control="down" disabled={i === p.count - 1} aria-label={t("wishes.down", { company: p.company })} onClick={() => p.onMove(i, i + 1, "down")}>
            ↓
          </button>
          <button type="button" class="btn btn-ghost btn-icon" aria-label={t("wishes.remove", { company: p.company })} onClick={p.onRemove}>
            ✕
          </button>
        </div>
      )}
    </li>
  );
}
