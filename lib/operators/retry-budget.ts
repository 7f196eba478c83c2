/** Options of a {@link RetryBudget} (Finagle's RetryBudget defaults). */
export interface RetryBudgetOptions {
  /** Each request earns this fraction of a retry. @defaultValue 0.2 */
  readonly percentCanRetry?: number;
  /** Retries always allowed per second, whatever the traffic. @defaultValue 10 */
  readonly minRetriesPerSecond?: number;
  /** Earned retries saved at most (so a long quiet spell cannot fund a storm). @defaultValue 100 */
  readonly maxBalance?: number;
  /** Clock in ms (inject `() => scheduler.now()`). */
  readonly now: () => number;
}

/**
 * A budget of retries shared by many requests, so a failing cluster is not hit by a retry storm: at most
 * `percentCanRetry` of requests plus `minRetriesPerSecond` may be retried. A retry the budget cannot pay for
 * is not made; the original error goes through at once.
 */
export class RetryBudget {
  private readonly percent: number;
  private readonly floorPerSecond: number;
  private readonly maxBalance: number;
  private readonly now: () => number;
  private balance = 0;
  private floor: number;
  private floorAt: number;

  constructor(options: RetryBudgetOptions) {
    this.percent = options.percentCanRetry ?? 0.2;
    this.floorPerSecond = options.minRetriesPerSecond ?? 10;
    this.maxBalance = options.maxBalance ?? 100;
    this.now = options.now;
    this.floor = this.floorPerSecond;
    this.floorAt = this.now();
  }

  /** Record one request (first attempt). */
  deposit(): void {
    this.balance = Math.min(this.maxBalance, this.balance + this.percent);
  }

  /** Pay for one retry; false when the budget is empty. */
  tryWithdraw(): boolean {
    const now = this.now();
    this.floor = Math.min(
      this.floorPerSecond,
      this.floor + ((now - this.floorAt) / 1000) * this.floorPerSecond,
    );
    this.floorAt = now;
    if (this.floor >= 1) {
      this.floor -= 1;
      return true;
    }
    if (this.balance >= 1 - 1e-9) {
      this.balance = Math.max(0, this.balance - 1);
      return true;
    }
    return false;
  }

  /** Retries affordable right now (floor plus earned). */
  get available(): number {
    return Math.floor(this.floor) + Math.floor(this.balance + 1e-9);
  }
}
