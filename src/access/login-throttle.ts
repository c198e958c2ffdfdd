/**
 * Sign-in attempts per client address in a sliding minute, kept in memory. Account lockout
 * (in the database) stops guessing one password; this stops spraying many accounts from one place.
 */
export class LoginThrottle {
  readonly #limit: number;
  readonly #attempts = new Map<string, number[]>();

  constructor(perMinute: number) {
    this.#limit = perMinute;
  }

  /** Record an attempt; returns seconds to wait when over the limit, else 0. */
  attempt(address: string, now: number): number {
    const windowStart = now - 60_000;
    const recent = (this.#attempts.get(address) ?? []).filter((t) => t > windowStart);
    if (recent.length >= this.#limit) {
      this.#attempts.set(address, recent);
      return Math.max(1, Math.ceil(((recent[0] ?? now) + 60_000 - now) / 1000));
    }
    recent.push(now);
    this.#attempts.set(address, recent);
    if (this.#attempts.size > 10_000) this.#sweep(windowStart);
    return 0;
  }

  #sweep(windowStart: number): void {
    for (const [address, times] of this.#attempts) {
      if (!times.some((t) => t > windowStart)) this.#attempts.delete(address);
    }
  }
}
