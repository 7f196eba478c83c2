/**
 * The payload of a FeatureNegotiation message as the reference client encodes `FeatureNegotiation
 * { supported_features: Vec<Feature> }` (bincode 1, fixed-width little endian): a u64 LE count, then each
 * feature as its u32 LE variant index (`Feature`: 0 Compression, 1 Heartbeat, 2 Streaming). Browser-safe.
 *
 * ```
 * [Compression, Heartbeat] → 02 00 00 00 00 00 00 00 | 00 00 00 00 | 01 00 00 00
 * ```
 */
export const featureList = {
  compression: 0,
  heartbeat: 1,
  streaming: 2,
  encode(features: readonly number[]): Uint8Array {
    const bytes = new Uint8Array(8 + 4 * features.length);
    const view = new DataView(bytes.buffer);
    view.setUint32(0, features.length, true); // the high half of the u64 count stays 0
    for (const [i, f] of features.entries()) view.setUint32(8 + 4 * i, f, true);
    return bytes;
  },
  /** The feature indexes, or `undefined` for a payload that is not such a list (truncated, trailing bytes). */
  decode(bytes: Uint8Array): number[] | undefined {
    if (bytes.length < 8) return undefined;
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const count = view.getUint32(0, true);
    if (view.getUint32(4, true) !== 0 || bytes.length !== 8 + 4 * count) return undefined;
    return Array.from({ length: count }, (_, i) => view.getUint32(8 + 4 * i, true));
  },
} as const;
