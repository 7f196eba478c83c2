import type { Member, WantedNode } from './member.js';

/** What an update changes: see {@link diffMembers}. */
export interface MemberDiff {
  /** Members the update lists, with a server id learnt from it (the same object when nothing was learnt). */
  readonly kept: readonly Member[];
  /** Listed nodes that match no member: each gets a new id and a fresh pool. */
  readonly added: readonly WantedNode[];
  /** Members (in service) the update no longer lists; empty unless the source decides removals. */
  readonly removed: readonly Member[];
  /** Listed twice (same address or same server id): the later entries are ignored. */
  readonly duplicates: readonly WantedNode[];
}

/**
 * Diffs a full set of wanted nodes against the current members — pure, no I/O. Never a replacement: a member the
 * update lists keeps its id, pool and connections.
 *
 * - A wanted node matches a member in service (never a draining one: a re-added address gets a new id and a
 *   fresh pool while the old one drains) when one of the member's addresses has the wanted label and their server
 *   ids do not disagree (a member whose id is unknown learns it). The same server id at another address is a
 *   different node: the old one is removed, the new one added.
 * - `decidesRemovals`: members not listed are removed. A source that does not decide removals only adds.
 */
export function diffMembers(
  current: readonly Member[],
  wanted: readonly WantedNode[],
  decidesRemovals: boolean,
): MemberDiff {
  const inService = current.filter((m) => !m.draining);
  const byLabel = new Map<string, Member>();
  for (const m of inService) {
    byLabel.set(m.address.label, m);
    for (const a of m.address.alternatives) byLabel.set(a.label, m);
  }
  const matched = new Map<Member, Member>();
  const added: WantedNode[] = [];
  const duplicates: WantedNode[] = [];
  const labels = new Set<string>();
  const serverIds = new Set<number | bigint>();
  for (const w of wanted) {
    const id = w.serverId === undefined ? undefined : BigInt(w.serverId);
    if (labels.has(w.address.label) || (id !== undefined && serverIds.has(id))) {
      duplicates.push(w);
      continue;
    }
    labels.add(w.address.label);
    if (id !== undefined) serverIds.add(id);
    const m = byLabel.get(w.address.label);
    const agrees = m && (m.serverId === undefined || id === undefined || BigInt(m.serverId) === id);
    if (!m || !agrees || matched.has(m)) {
      added.push(w);
      continue;
    }
    matched.set(m, m.serverId === undefined && w.serverId !== undefined ? { ...m, serverId: w.serverId } : m);
  }
  const removed = decidesRemovals ? inService.filter((m) => !matched.has(m)) : [];
  return { kept: [...matched.values()], added, removed, duplicates };
}
