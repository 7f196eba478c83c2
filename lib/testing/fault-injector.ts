import { MessageType } from '../wire/message.js';
import { type ActiveFault, type Fault, FaultKind } from './fault.js';
import type { ConnectionState } from './server-connection.js';
import { validateFault } from './validate-fault.js';

/**
 * The fault state of one server: the active fault, the random choice of what it hits (`rate`), and how many
 * times each kind was injected. A fault with `durationMs` clears itself after that long.
 */
export class FaultInjector {
  private current: ActiveFault | undefined;
  private expiry: ReturnType<typeof setTimeout> | undefined;
  private readonly counts = new Map<FaultKind, number>();
  private injectedTotal = 0;

  /**
   * @param random uniform in [0, 1): decides which requests (or connections) a fault with `rate` < 1 hits.
   * @param onChange called after every set and clear (the server applies connection-level faults there).
   */
  constructor(
    private readonly random: () => number,
    private readonly onChange: (fault: ActiveFault | undefined, previous: ActiveFault | undefined) => void,
  ) {}

  /** The active fault, defaults filled in; undefined when none. */
  get fault(): ActiveFault | undefined {
    return this.current;
  }

  /** Injections so far, by kind (requests or connections hit). */
  get injected(): Readonly<Partial<Record<FaultKind, number>>> {
    return Object.fromEntries(this.counts);
  }

  /** Injections so far, every kind together. */
  get injectedCount(): number {
    return this.injectedTotal;
  }

  /** Validates and activates a fault (replacing the previous one); throws a `TypeError` for a bad one. */
  set(fault: Fault): ActiveFault {
    const next = validateFault(fault);
    const previous = this.current;
    this.stopExpiry();
    this.current = next;
    if (next.durationMs !== undefined) {
      this.expiry = setTimeout(() => this.clear(), next.durationMs);
      this.expiry.unref?.();
    }
    this.onChange(next, previous);
    return next;
  }

  clear(): void {
    const previous = this.current;
    this.stopExpiry();
    this.current = undefined;
    if (previous) this.onChange(undefined, previous);
  }

  /**
   * Whether the active fault is `kind` and hits this request (or connection): decided with `random` against
   * `rate`, and counted when it does.
   */
  hits(kind: FaultKind | ((kind: FaultKind) => boolean)): ActiveFault | undefined {
    const f = this.current;
    if (!f) return undefined;
    if (typeof kind === 'function' ? !kind(f.kind) : f.kind !== kind) return undefined;
    if (f.rate < 1 && !(this.random() < f.rate)) return undefined;
    this.counts.set(f.kind, (this.counts.get(f.kind) ?? 0) + 1);
    this.injectedTotal++;
    return f;
  }

  /**
   * The reply fault that hits the reply to a request of this type, if any: Data replies, and with `target: 'all'`
   * Pong, Heartbeat … too (`gray` only ever swallows Data replies); never Admin replies.
   */
  hitsReply(requestType: MessageType): ActiveFault | undefined {
    if (requestType === MessageType.Admin) return undefined;
    const target = this.current?.target;
    return this.hits(
      (kind) =>
        kind !== FaultKind.NeverRead &&
        kind !== FaultKind.CloseOnAccept &&
        (requestType === MessageType.Data || (target === 'all' && kind !== FaultKind.Gray)),
    );
  }

  /**
   * Connection faults on a connection just accepted: `close-on-accept` destroys it (returns false), `never-read`
   * stops reading it.
   */
  accept(state: ConnectionState, paused: boolean): boolean {
    if (this.hits(FaultKind.CloseOnAccept)) {
      state.socket.destroy();
      return false;
    }
    if (this.hits(FaultKind.NeverRead)) state.neverRead = true;
    if (paused || state.neverRead) state.socket.pause();
    return true;
  }

  /** Connection faults on the open connections when the fault changes; the end of `never-read` reads again. */
  changed(
    open: Iterable<ConnectionState>,
    fault: ActiveFault | undefined,
    previous: ActiveFault | undefined,
    paused: boolean,
  ): void {
    for (const c of open) {
      if (previous?.kind === FaultKind.NeverRead && c.neverRead) {
        c.neverRead = false;
        if (!paused) c.socket.resume();
      }
      if (fault?.kind === FaultKind.CloseOnAccept && this.hits(FaultKind.CloseOnAccept)) c.socket.destroy();
      if (fault?.kind === FaultKind.NeverRead && this.hits(FaultKind.NeverRead)) {
        c.neverRead = true;
        c.socket.pause();
      }
    }
  }

  private stopExpiry(): void {
    if (this.expiry) clearTimeout(this.expiry);
    this.expiry = undefined;
  }
}
