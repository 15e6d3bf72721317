// Keeps a busy object in memory. An idle object is put to sleep 10 s after its last call (locally
// and, for an object that could hibernate, on the platform), and the next call pays for a new
// activation: the runtime opens its SQLite file again and the constructor reloads its state. In a
// phase opening a student clicks again within seconds to a minute and a popular slot is asked many
// times a second, so each of them would be re-created over and over (about a sixth of the herd's
// CPU, measured: bench/README.md). A pending timer keeps an object in memory (compatibility
// date 2026-10-01 and later), so one timer, re-armed while calls keep coming, holds it until it
// has been idle for `idleMs`; then the object may sleep as usual. Idle time in memory is billed as
// duration on the platform: 60 s × 128 MB ≈ 7.7 GB-s per object held, about 2 dollars for 20 000
// students at the published price. OBJECT_KEEP_WARM_SECONDS (wrangler.toml).

/** OBJECT_KEEP_WARM_SECONDS in milliseconds (0: never held). */
export const keepWarmMs = (env: { OBJECT_KEEP_WARM_SECONDS?: string }) => Number(env.OBJECT_KEEP_WARM_SECONDS ?? "60") * 1000;

export class KeepWarm {
  private last = 0;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private readonly idleMs: number;

  constructor(idleMs: number) {
    this.idleMs = idleMs;
  }

  /** Whether a timer holds the object in memory now. */
  get holding(): boolean {
    return this.timer !== null;
  }

  /** A call arrived: stay in memory until `idleMs` after the last one (never, with 0). */
  touch(): void {
    if (this.idleMs <= 0) return;
    this.last = Date.now();
    if (this.timer) return;
    const tick = () => {
      const idle = Date.now() - this.last;
      this.timer = idle >= this.idleMs ? null : setTimeout(tick, this.idleMs - idle);
    };
    this.timer = setTimeout(tick, this.idleMs);
  }
}
