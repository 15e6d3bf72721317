// Keeps a busy object in memory. An idle object is put to sleep 10 s after its last call (locally
// and, for an object that could hibernate, on the platform), and the next call pays for a new
// activation: the runtime opens its SQLite file again and the constructor reloads its state. In a
// phase opening a student clicks again within seconds to a minute and a popular slot is asked many
// times a second, so each of them would be re-created over and over (about a sixth of the herd's
// CPU, measured: bench/README.md). A pending timer keeps an object in memory (compatibility
// date 2026-10-01 and later), so one timer, re-armed while calls keep coming, holds it until it
// has been idle for `idleMs` (at least half of it: `touch`); then the object may sleep as usual. Idle time in memory is billed as
// duration on the platform: 60 s × 128 MB ≈ 7.7 GB-s per object held, about 2 dollars for 20 000
// students at the published price. OBJECT_KEEP_WARM_SECONDS (wrangler.toml).

/** OBJECT_KEEP_WARM_SECONDS in milliseconds (0: never held). */
export const keepWarmMs = (env: { OBJECT_KEEP_WARM_SECONDS?: string }) => Number(env.OBJECT_KEEP_WARM_SECONDS ?? "60") * 1000;

export class KeepWarm {
  private timer: ReturnType<typeof setTimeout> | null = null;
  private armedAt = 0;
  private readonly idleMs: number;

  constructor(idleMs: number) {
    this.idleMs = idleMs;
  }

  /** Whether a timer holds the object in memory now. */
  get holding(): boolean {
    return this.timer !== null;
  }

  /**
   * A call arrived: stay in memory for at least half of `idleMs` after it, at most `idleMs` (never,
   * with 0). The timer is armed by calls only, never by its own callback: in workerd a setTimeout
   * made inside a timer's callback cost ~1-2 ms each (profiled: 4.6 s of a phase-2 herd's 32 s, as
   * phase 1's keep-warm timers came due and re-armed themselves), one made by a call a few
   * microseconds. A call that finds the timer armed more than half a period ago arms a fresh one:
   * one re-arm per half period per busy object.
   */
  touch(): void {
    if (this.idleMs <= 0) return;
    const now = Date.now();
    if (this.timer && now - this.armedAt < this.idleMs / 2) return;
    if (this.timer) clearTimeout(this.timer);
    this.armedAt = now;
    this.timer = setTimeout(() => {
      this.timer = null;
    }, this.idleMs);
  }
}
