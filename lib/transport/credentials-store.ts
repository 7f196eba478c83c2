import type { SchedulerLike } from 'rxjs';
import { ErrorCode, RouterError } from '../errors.js';
import type { NodeId } from '../types.js';
import type { Credentials, CredentialsProvider } from './handshake-types.js';

/** Credentials as the store hands them out, with what setup needs to know about them. */
export interface CredentialsGrant {
  /** Undefined without a provider. */
  readonly credentials: Credentials | undefined;
  /** Increases each time the provider yields different credentials (or, without one, each retry step). */
  readonly generation: number;
  /** Scheduler time at which the credentials expire (Infinity when they do not say). */
  readonly expiresAt: number;
  /** Scheduler time from which they are refreshed (and connections using them replaced). */
  readonly refreshAt: number;
}

/** Timing rules of the store (the router takes them from `configDefaults.credentials`). */
export interface CredentialsTiming {
  /** At least this long between two provider calls. @defaultValue 100 */
  readonly minIntervalMs: number;
  /** Refresh this long before expiry at most… @defaultValue 60000 */
  readonly refreshAheadMs: number;
  /** …and at most this fraction of the credentials' lifetime before it. @defaultValue 0.25 */
  readonly refreshAheadFraction: number;
  /** After a rejection: the first wait before the provider is asked again (doubling each time). @defaultValue 1000 */
  readonly rejectedBackoffMs: number;
  /** @defaultValue 30000 */
  readonly rejectedMaxBackoffMs: number;
}

/** Options of {@link CredentialsStore}. */
export interface CredentialsStoreOptions {
  readonly provider: CredentialsProvider | undefined;
  readonly scheduler: SchedulerLike;
  /** Ms since the epoch (`expiresAt` is on that clock; the store converts it to scheduler time). @defaultValue Date.now */
  readonly wallNow?: () => number;
  readonly timing: CredentialsTiming;
  /** Called after each provider call that yielded credentials (never with the secrets). */
  readonly onRefreshed?: (grant: CredentialsGrant) => void;
  /** Called when a node rejects the current credentials (once per node and generation). */
  readonly onRejected?: (nodeId: NodeId, code: string) => void;
}

interface Rejection {
  readonly generation: number;
  readonly error: RouterError;
}

/**
 * The router's one credentials provider, shared by every connection setup:
 * - single-flight: however many setups ask at once, one provider call; at least `minIntervalMs` between calls;
 * - cached until `refreshAt` (ahead of `expiresAt`: the lesser of `refreshAheadMs` and `refreshAheadFraction` of
 *   the lifetime), then refreshed on the next ask — later connections use the latest credentials;
 * - a rejection by a node (`rejected`) blocks new connects to that node with the same credentials (`refusal`):
 *   no connect storm. After a backoff (doubling up to `rejectedMaxBackoffMs`, reset only when a node accepts) the
 *   next ask for that node calls the provider again; only different credentials (a new `generation`) unblock
 *   it — one connect per node per backoff step at most. Without a provider, each step is a new generation.
 * No timer is left behind: the only one waits out `minIntervalMs` for a call that is due.
 */
export class CredentialsStore {
  private readonly options: CredentialsStoreOptions;
  private readonly wallNow: () => number;
  private grant: CredentialsGrant | undefined;
  private flight: Promise<CredentialsGrant> | undefined;
  private lastCallAt = Number.NEGATIVE_INFINITY;
  private readonly rejections = new Map<NodeId, Rejection>();
  /** Backoff after rejections of the current generation: steps taken and when the next provider call may be. */
  private rejectedStep = 0;
  private retryAfter = Number.NEGATIVE_INFINITY;
  private stopped = false;
  private readonly waits = new Set<() => void>();

  constructor(options: CredentialsStoreOptions) {
    this.options = options;
    this.wallNow = options.wallNow ?? Date.now;
    if (!options.provider) this.grant = this.makeGrant(undefined, 0);
  }

  /** The grant in use now (undefined before the first provider call). */
  get current(): CredentialsGrant | undefined {
    return this.grant;
  }

  /**
   * The credentials to open a connection to `nodeId` with: the cached ones unless they are due for refresh (then
   * one shared provider call), or — when that node rejected them and the backoff has passed — a fresh call.
   */
  async get(nodeId?: NodeId): Promise<CredentialsGrant> {
    const now = this.options.scheduler.now();
    const grant = this.grant;
    const rejected = nodeId === undefined ? undefined : this.rejections.get(nodeId);
    const blocked = grant !== undefined && rejected?.generation === grant.generation;
    if (grant && !blocked && now < grant.refreshAt) return grant;
    if (blocked && now < this.retryAfter) return grant!;
    if (!this.options.provider) {
      // nothing to ask: each backoff step after a rejection is a new try
      if (blocked) {
        this.rejectedStep++;
        this.retryAfter = now + this.backoffMs();
        this.grant = this.makeGrant(undefined, grant!.generation + 1);
      }
      return this.grant!;
    }
    this.flight ??= this.refresh().finally(() => (this.flight = undefined));
    return this.flight;
  }

  /** `epochMs` (wall clock) as scheduler time. */
  toSchedulerTime(epochMs: number): number {
    return this.options.scheduler.now() + (epochMs - this.wallNow());
  }

  /** When something that ends at `expiresAt` (scheduler time) should be refreshed: ahead of it, by the timing rules. */
  refreshAtFor(expiresAt: number): number {
    const lifetime = Math.max(0, expiresAt - this.options.scheduler.now());
    const { refreshAheadMs, refreshAheadFraction } = this.options.timing;
    return expiresAt - Math.min(refreshAheadMs, lifetime * refreshAheadFraction);
  }

  /** The error to fail a connect to `nodeId` with, when it rejected these very credentials. */
  refusal(nodeId: NodeId, grant: CredentialsGrant): RouterError | undefined {
    const rejected = this.rejections.get(nodeId);
    return rejected?.generation === grant.generation ? rejected.error : undefined;
  }

  /** `nodeId` rejected `grant`: no more connects to it with these credentials; backoff before asking again. */
  rejected(nodeId: NodeId, grant: CredentialsGrant, error: RouterError): void {
    if (this.rejections.get(nodeId)?.generation === grant.generation) return;
    this.rejections.set(nodeId, { generation: grant.generation, error });
    this.options.onRejected?.(nodeId, error.code);
    if (grant.generation !== this.grant?.generation) return;
    const now = this.options.scheduler.now();
    if (this.retryAfter < now) this.retryAfter = now + this.backoffMs();
  }

  /** `nodeId` accepted credentials: any block on it is lifted. */
  accepted(nodeId: NodeId): void {
    if (!this.rejections.delete(nodeId) || this.rejections.size > 0) return;
    this.rejectedStep = 0;
    this.retryAfter = Number.NEGATIVE_INFINITY;
  }

  /** Nodes that rejected the current credentials. */
  get rejectedNodes(): readonly NodeId[] {
    const generation = this.grant?.generation;
    return [...this.rejections].filter(([, r]) => r.generation === generation).map(([id]) => id);
  }

  /** No more timers; waits in progress end now. */
  stop(): void {
    this.stopped = true;
    for (const wake of [...this.waits]) wake();
  }

  private async refresh(): Promise<CredentialsGrant> {
    const { scheduler, provider } = this.options;
    const waitMs = this.lastCallAt + this.options.timing.minIntervalMs - scheduler.now();
    if (waitMs > 0) await this.sleep(waitMs);
    if (this.stopped) throw stoppedError();
    this.lastCallAt = scheduler.now();
    let credentials: Credentials;
    try {
      credentials = await provider!();
      checkCredentials(credentials);
      if (
        credentials.expiresAt !== undefined &&
        this.toSchedulerTime(credentials.expiresAt) < scheduler.now()
      )
        throw new TypeError(
          `it returned credentials that expired already (expiresAt ${new Date(credentials.expiresAt).toISOString()}: ms since the epoch, by this machine's clock)`,
        );
    } catch (err) {
      const previous = this.grant;
      if (previous && scheduler.now() < previous.expiresAt) return previous; // still valid: keep serving
      throw new RouterError(
        ErrorCode.CredentialsUnavailable,
        `the credentials provider failed: ${err instanceof Error ? err.message : String(err)}`,
        { retryable: true, cause: err },
      );
    }
    const previous = this.grant;
    const same = previous !== undefined && sameIdentity(previous.credentials, credentials);
    const generation = previous === undefined ? 1 : same ? previous.generation : previous.generation + 1;
    if (this.rejectedNodes.length > 0) {
      // asked because of a rejection: the next ask waits longer, new credentials or not (a provider that keeps
      // yielding rejected ones is not dialled with faster and faster); only an acceptance resets the backoff
      this.rejectedStep++;
      this.retryAfter = scheduler.now() + this.backoffMs();
    }
    this.grant = this.makeGrant(credentials, generation);
    this.options.onRefreshed?.(this.grant);
    return this.grant;
  }

  private makeGrant(credentials: Credentials | undefined, generation: number): CredentialsGrant {
    const expiresAt =
      credentials?.expiresAt === undefined
        ? Number.POSITIVE_INFINITY
        : this.toSchedulerTime(credentials.expiresAt);
    return { credentials, generation, expiresAt, refreshAt: this.refreshAtFor(expiresAt) };
  }

  private backoffMs(): number {
    const { rejectedBackoffMs, rejectedMaxBackoffMs } = this.options.timing;
    return Math.min(rejectedMaxBackoffMs, rejectedBackoffMs * 2 ** Math.min(this.rejectedStep, 30));
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const wake = () => {
        this.waits.delete(wake);
        timer.unsubscribe();
        resolve();
      };
      this.waits.add(wake);
      const timer = this.options.scheduler.schedule(wake, ms);
    });
  }
}

function sameIdentity(a: Credentials | undefined, b: Credentials): boolean {
  return a?.token === b.token && a?.username === b.username && a?.password === b.password;
}

function checkCredentials(value: unknown): asserts value is Credentials {
  if (typeof value !== 'object' || value === null) throw new TypeError('it returned no Credentials object');
  const c = value as Record<string, unknown>;
  for (const key of ['token', 'username', 'password'] as const) {
    if (c[key] !== undefined && typeof c[key] !== 'string')
      throw new TypeError(`credentials.${key} is not a string`);
  }
  if (c.expiresAt !== undefined && !(typeof c.expiresAt === 'number' && Number.isFinite(c.expiresAt)))
    throw new TypeError('credentials.expiresAt is not a finite number (ms since the epoch)');
}

function stoppedError(): RouterError {
  return new RouterError(ErrorCode.PoolClosed, 'the router is closed', { retryable: true });
}
