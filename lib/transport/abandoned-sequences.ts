/**
 * Sequences of a connection's written requests that were cancelled or timed out, remembered so their late replies
 * are dropped (and counted) rather than taken for a protocol violation. Bounded: past `max` the oldest is forgotten.
 */
export class AbandonedSequences {
  private readonly set = new Set<number>();

  constructor(private readonly max = 65_536) {}

  get size(): number {
    return this.set.size;
  }

  /** Remembers `sequence` (forgetting the oldest when full). */
  add(sequence: number): void {
    const set = this.set;
    if (set.size >= this.max) set.delete(set.values().next().value!);
    set.add(sequence);
  }

  /** True once if `sequence` was abandoned: a late reply to it; it is forgotten now. */
  take(sequence: number): boolean {
    return this.set.delete(sequence);
  }
}
