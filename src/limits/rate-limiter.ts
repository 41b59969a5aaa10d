/**
 * A token bucket: at most `perMinute` requests a minute on average, in bursts of up to
 * `perMinute / 4` (at least 1). Per instance: Flex Consumption's instance cap bounds the total.
 */
export class RateLimiter {
  private tokens: number;
  private updated: number;
  private readonly burst: number;

  constructor(
    private readonly perMinute: number,
    private readonly now: () => number = Date.now,
  ) {
    this.burst = Math.max(1, Math.floor(perMinute / 4));
    this.tokens = this.burst;
    this.updated = now();
  }

  /** Takes one token; returns 0 when allowed, else the milliseconds until one is free. */
  take(): number {
    if (this.perMinute <= 0) return Number.POSITIVE_INFINITY;
    const now = this.now();
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.updated) * this.perMinute) / 60_000);
    this.updated = now;
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return 0;
    }
    return Math.ceil(((1 - this.tokens) * 60_000) / this.perMinute);
  }
}
