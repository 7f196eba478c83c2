/**
 * Protocol features, numbered as the reference client's `Feature` enum (q-distributed-db-client,
 * `rust/client-sdk/src/types.rs`: `Compression, Heartbeat, Streaming`) — bincode writes an enum variant as its
 * index.
 */
export const Feature = {
  Compression: 0,
  Heartbeat: 1,
  Streaming: 2,
} as const;
export type Feature = (typeof Feature)[keyof typeof Feature];

/** Every feature a node can advertise. */
export const allFeatures: readonly Feature[] = [Feature.Compression, Feature.Heartbeat, Feature.Streaming];

/**
 * The payload of a FeatureNegotiation message as the reference client encodes its `FeatureNegotiation
 * { supported_features: Vec<Feature> }` (bincode 1 defaults: fixed-width little-endian): a u64 LE count, then each
 * feature as a u32 LE variant index.
 *
 * ```
 * [Compression, Heartbeat] → 02 00 00 00 00 00 00 00 | 00 00 00 00 | 01 00 00 00
 * ```
 */
export const featureNegotiation = {
  encode(features: readonly Feature[]): Uint8Array {
    const bytes = new Uint8Array(8 + 4 * features.length);
    const view = new DataView(bytes.buffer);
    view.setBigUint64(0, BigInt(features.length), true);
    for (const [i, f] of features.entries()) view.setUint32(8 + 4 * i, f, true);
    return bytes;
  },
  /** Throws a `RangeError` for a payload that is not such an encoding (truncated, trailing bytes, unknown index). */
  decode(bytes: Uint8Array): Feature[] {
    if (bytes.length < 8) throw new RangeError(`feature list of ${bytes.length} bytes: no u64 count`);
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const count = view.getBigUint64(0, true);
    if (BigInt(bytes.length) !== 8n + 4n * count) {
      throw new RangeError(
        `feature list says ${count} features but has ${bytes.length - 8} bytes after the count`,
      );
    }
    const out: Feature[] = [];
    for (let i = 0; i < Number(count); i++) {
      const index = view.getUint32(8 + 4 * i, true);
      if (!allFeatures.includes(index as Feature)) throw new RangeError(`unknown feature index ${index}`);
      out.push(index as Feature);
    }
    return out;
  },
};
