/**
 * Requests in flight keyed by sequence number, without a `Map`: an array of slots whose length is a power of two,
 * the slot of sequence `s` being `s & mask` (the low bits; exact for every safe integer, since `&` keeps the low
 * 32 bits). A sender asks {@link freeSequence} for the first sequence at or after its next one whose slot is
 * free — sequences may skip, the wire only needs them unique among requests in flight — so lookups are one array
 * read and a sequence check, inserts and deletes one array write. The table doubles when half full (entries keep
 * distinct slots under the wider mask), so a skip is rare and short. Dead entries are plain `undefined`s: nothing
 * is allocated per request, and a table that lives in old space does not drag young garbage along (a churned
 * `Map` does).
 */
export class SlotTable<E extends { readonly sequence: number }> {
  private slots: Array<E | undefined>;
  private mask: number;
  private count = 0;

  constructor(initialSlots = 64) {
    let n = 16;
    while (n < initialSlots) n *= 2;
    this.slots = new Array<E | undefined>(n).fill(undefined);
    this.mask = n - 1;
  }

  /** Entries held. */
  get size(): number {
    return this.count;
  }

  /** Slots allocated (a power of two). */
  get capacity(): number {
    return this.slots.length;
  }

  /** The first sequence ≥ `sequence` whose slot is free (grows the table first when half full). */
  freeSequence(sequence: number): number {
    if (this.count * 2 >= this.slots.length) this.grow();
    const slots = this.slots;
    const mask = this.mask;
    let s = sequence;
    while (slots[s & mask] !== undefined) s++;
    return s;
  }

  /** Stores `entry`; its slot must be free (take its sequence from {@link freeSequence}). */
  put(entry: E): void {
    this.slots[entry.sequence & this.mask] = entry;
    this.count++;
  }

  /** The entry with this sequence, if it is held. */
  get(sequence: number): E | undefined {
    const entry = this.slots[sequence & this.mask];
    return entry !== undefined && entry.sequence === sequence ? entry : undefined;
  }

  /** Removes `entry`; false when it was not held. */
  delete(entry: E): boolean {
    const i = entry.sequence & this.mask;
    if (this.slots[i] !== entry) return false;
    this.slots[i] = undefined;
    this.count--;
    return true;
  }

  /** The entries held, in sequence order (a copy: safe to delete while walking it). */
  entries(): E[] {
    const out: E[] = [];
    if (this.count === 0) return out;
    for (const entry of this.slots) if (entry !== undefined) out.push(entry);
    if (out.length > 1) out.sort((a, b) => a.sequence - b.sequence);
    return out;
  }

  /** Walks the entries held (slot order) without allocating; `visit` must not add or remove entries. */
  forEach(visit: (entry: E) => void): void {
    if (this.count === 0) return;
    for (const entry of this.slots) if (entry !== undefined) visit(entry);
  }

  /** Forgets every entry. */
  clear(): void {
    if (this.count === 0) return;
    this.slots.fill(undefined);
    this.count = 0;
  }

  private grow(): void {
    const old = this.slots;
    const n = old.length * 2;
    this.slots = new Array<E | undefined>(n).fill(undefined);
    this.mask = n - 1;
    for (const entry of old) if (entry !== undefined) this.slots[entry.sequence & this.mask] = entry;
  }
}
