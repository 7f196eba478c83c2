import { featureList } from '../wire/feature-list.js';

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
 * feature as a u32 LE variant index — the router's own codec (`lib/wire/feature-list.ts`), typed and strict.
 *
 * ```
 * [Compression, Heartbeat] → 02 00 00 00 00 00 00 00 | 00 00 00 00 | 01 00 00 00
 * ```
 */
export const featureNegotiation = {
  encode(features: readonly Feature[]): Uint8Array {
    return featureList.encode(features);
  },
  /** Throws a `RangeError` for a payload that is not such an encoding (truncated, trailing bytes, unknown index). */
  decode(bytes: Uint8Array): Feature[] {
    const list = featureList.decode(bytes);
    if (list === undefined) throw new RangeError(`not a bincode feature list (${bytes.length} bytes)`);
    const unknown = list.find((f) => !allFeatures.includes(f as Feature));
    if (unknown !== undefined) throw new RangeError(`unknown feature index ${unknown}`);
    return list as Feature[];
  },
};
