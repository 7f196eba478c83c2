import { BehaviorSubject, type SchedulerLike } from 'rxjs';
import type { HealthMember } from '../streams/health-member.js';
import type { NodeAddress, NodeId } from '../types.js';
import { diffMembers } from './diff-members.js';
import type { Member, WantedNode } from './member.js';
import type { MembershipSource, RouterEvent } from './router-event.js';

/** What {@link Membership} drives: the pools (see `Nodes.add` / `Nodes.drain`). */
export interface MembershipPools {
  add(address: NodeAddress, warmAfterMs: number): void;
  drain(id: NodeId): { readonly inFlight: number; readonly done: Promise<void> };
}

/** Parts of {@link Membership}. */
export interface MembershipParts {
  /** The nodes at start (ids 1..n, from `hosts` when it is an array; none when it is an Observable). */
  readonly initial: readonly NodeAddress[];
  /** The source whose updates remove nodes: `discovery` when it is on, else `hosts`. */
  readonly decides: MembershipSource;
  readonly pools: MembershipPools;
  readonly scheduler: SchedulerLike;
  readonly random: () => number;
  /** A node added later starts connecting after a random delay in [0, joinSpreadMs). */
  readonly joinSpreadMs: number;
  readonly emit: (event: () => RouterEvent) => void;
  /** Called when a removed node is gone (drop what else is kept of it). @defaultValue nothing */
  readonly onRemoved?: (id: NodeId) => void;
}

/**
 * The router's node set and the one place it changes (DESIGN §9). Every source — the `hosts` Observable and
 * discovery's `ListNodes` — goes through `update()`, which diffs the new full set against the current one
 * (`diffMembers`) and applies the difference; one source (`decides`) removes, the other only adds what it newly
 * lists (so two sources never flip-flop a node).
 *
 * - `NodeId`s are assigned here: increasing, never reused; a re-added address gets a new id and a fresh pool
 *   while the old one drains. Unchanged members keep their id, pool and connections.
 * - Safety: an empty update never empties the set; a failed one (`warn`) changes nothing; a stale one (an older
 *   `version` from the same source) is ignored; after `close()` nothing changes.
 * - `members$` (for `clusterHealth`) emits the new membership synchronously, so `health$` and `eligible$` follow
 *   in the same tick: added nodes are `joining`, removed ones `draining` at once (no new picks), and gone once
 *   their pool has drained. Events: `nodeAdded`, `nodeDraining`, `nodeRemoved`, `membershipWarning`.
 */
export class Membership {
  /** The members as clusterHealth follows them (draining ones flagged). */
  readonly members$: BehaviorSubject<readonly HealthMember[]>;
  private readonly parts: MembershipParts;
  private readonly members = new Map<NodeId, Member>();
  private readonly versions = new Map<MembershipSource, number>();
  /** Labels of the last `hosts` update, when hosts does not decide removals: only new ones are added. */
  private lastHosts = new Set<string>();
  private lastId = 0;
  private closed = false;
  private list: readonly NodeAddress[] = [];

  constructor(parts: MembershipParts) {
    this.parts = parts;
    for (const address of parts.initial) {
      this.lastId = Math.max(this.lastId, address.id);
      this.members.set(address.id, { id: address.id, address, draining: false });
      this.lastHosts.add(address.label);
    }
    this.members$ = new BehaviorSubject<readonly HealthMember[]>(this.healthMembers());
  }

  /** The members' addresses (joining, in service and draining), in id order; a new array after each change. */
  get addresses(): readonly NodeAddress[] {
    return this.list;
  }

  /** Whether `id` is a member in service (not draining, not removed). */
  inService(id: NodeId): boolean {
    const m = this.members.get(id);
    return m !== undefined && !m.draining;
  }

  /** A member (in service or draining). */
  get(id: NodeId): Member | undefined {
    return this.members.get(id);
  }

  /**
   * Applies a full set from `source`. `version` orders updates of one source (a smaller or equal one than the
   * last applied is stale and ignored).
   */
  update(source: MembershipSource, wanted: readonly WantedNode[], version?: number): void {
    if (this.closed) return;
    if (version !== undefined) {
      if (version <= (this.versions.get(source) ?? Number.NEGATIVE_INFINITY)) return;
      this.versions.set(source, version);
    }
    if (wanted.length === 0) {
      this.warn(
        source,
        `an empty node list was ignored: it never empties the set (${this.inServiceCount()} kept)`,
      );
      return;
    }
    const decides = source === this.parts.decides;
    let listed = wanted;
    if (!decides && source === 'hosts') {
      listed = wanted.filter((w) => !this.lastHosts.has(w.address.label));
      this.lastHosts = new Set(wanted.map((w) => w.address.label));
    }
    const diff = diffMembers([...this.members.values()], listed, decides);
    if (diff.duplicates.length > 0)
      this.warn(source, `listed twice, ignored: ${diff.duplicates.map((w) => w.address.label).join(', ')}`);
    for (const m of diff.kept) this.members.set(m.id, m);
    const { scheduler, random, joinSpreadMs, pools, emit } = this.parts;
    const spread = () => (joinSpreadMs > 0 ? Math.floor(random() * joinSpreadMs) : 0);
    const added: Member[] = diff.added.map((w) => this.member(w, spread()));
    for (const m of diff.removed) this.members.set(m.id, { ...m, draining: true });
    if (added.length === 0 && diff.removed.length === 0) return;
    for (const m of added) pools.add(m.address, m.joinAfterMs ?? 0);
    this.changed();
    for (const m of added)
      emit(() => ({
        type: 'nodeAdded',
        at: scheduler.now(),
        nodeId: m.id,
        address: m.address.label,
        source,
      }));
    for (const m of diff.removed) this.drain(m, source);
  }

  /** A failed update (an errored source, an undecodable or invalid reply): reported, nothing changes. */
  warn(source: MembershipSource, message: string): void {
    if (this.closed) return;
    this.parts.emit(() => ({ type: 'membershipWarning', at: this.parts.scheduler.now(), source, message }));
  }

  /** No update is applied after this (the router is closing). */
  close(): void {
    this.closed = true;
  }

  private member(w: WantedNode, joinAfterMs: number): Member {
    const id = ++this.lastId;
    const alternatives = (w.address.alternatives.length > 0 ? w.address.alternatives : [w.address]).map(
      (a) => ({
        ...a,
        id,
        alternatives: [],
      }),
    );
    const address: NodeAddress = { ...alternatives[0]!, alternatives };
    const m: Member = {
      id,
      address,
      draining: false,
      joinAfterMs,
      ...(w.serverId !== undefined ? { serverId: w.serverId } : {}),
    };
    this.members.set(id, m);
    return m;
  }

  private drain(m: Member, reason: MembershipSource): void {
    const { scheduler, pools, emit } = this.parts;
    const { inFlight, done } = pools.drain(m.id);
    const address = m.address.label;
    emit(() => ({ type: 'nodeDraining', at: scheduler.now(), nodeId: m.id, address, reason, inFlight }));
    void done.then(() => {
      if (!this.members.delete(m.id)) return;
      this.changed();
      this.parts.onRemoved?.(m.id);
      emit(() => ({ type: 'nodeRemoved', at: scheduler.now(), nodeId: m.id, address, reason, inFlight }));
    });
  }

  private changed(): void {
    this.members$.next(this.healthMembers());
  }

  /** The members for clusterHealth, in id order (and `addresses` refreshed). */
  private healthMembers(): HealthMember[] {
    const sorted = [...this.members.values()].sort((a, b) => a.id - b.id);
    this.list = sorted.map((m) => m.address);
    return sorted.map((m) => ({
      id: m.id,
      address: m.address.label,
      ...(m.draining ? { draining: true } : {}),
      ...(m.joinAfterMs ? { probeAfterMs: m.joinAfterMs } : {}),
    }));
  }

  private inServiceCount(): number {
    let n = 0;
    for (const m of this.members.values()) if (!m.draining) n++;
    return n;
  }
}
