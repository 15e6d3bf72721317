// The per-account ceiling on booking calls (DESIGN.md "Security": rate limits on booking), kept in
// the StudentDO's memory: a burst of `size`, then `perSecond`. An evicted object starts full again,
// which only ever errs on the side of the student.

export class TokenBucket {
  private readonly size: number;
  private readonly perMs: number;
  private tokens: number;
  private at = 0;

  constructor(size: number, perSecond: number) {
    this.size = size;
    this.perMs = perSecond / 1000;
    this.tokens = size;
  }

  /** Takes a token: 0 when granted, else the seconds until one will be there (for Retry-After). */
  take(now: number): number {
    this.tokens = Math.min(this.size, this.tokens + (now - this.at) * this.perMs);
    this.at = now;
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return 0;
    }
    return Math.max(1, Math.ceil((1 - this.tokens) / this.perMs / 1000));
  }
}
