import { describe, expect, it } from 'vitest';
import { RateLimiter } from '../../src/limits/rate-limiter.js';

describe('RateLimiter', () => {
  it('allows a burst of a quarter of the rate, then one request per 60/rate seconds', () => {
    let now = 0;
    const limiter = new RateLimiter(60, () => now); // burst 15, one a second
    for (let i = 0; i < 15; i++) expect(limiter.take()).toBe(0);
    expect(limiter.take()).toBe(1000);
    now += 500;
    expect(limiter.take()).toBe(500);
    now += 500;
    expect(limiter.take()).toBe(0);
    now += 3_600_000; // refills up to the burst, not beyond
    for (let i = 0; i < 15; i++) expect(limiter.take()).toBe(0);
    expect(limiter.take()).toBeGreaterThan(0);
  });

  it('refuses everything at a rate of 0', () => {
    expect(new RateLimiter(0).take()).toBe(Number.POSITIVE_INFINITY);
  });
});
