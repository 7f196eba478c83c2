import type { FeedHealth, FeedInfo, FeedMarker, FeedStats, LogLine } from './feed-types.js';

type FeedValue =
  | FeedHealth
  | FeedStats
  | readonly FeedStats[]
  | FeedInfo
  | FeedMarker
  | readonly FeedMarker[]
  | readonly LogLine[];

/** A feed message's JSON if it has the expected shape, else undefined (bad data is skipped, never thrown). Browser-safe. */
export function parseFeed(event: string, data: string): FeedValue | undefined {
  let value: unknown;
  try {
    value = JSON.parse(data);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const v = value as Record<string, unknown>;
  switch (event) {
    case 'history':
    case 'markers':
      return Array.isArray(value) ? (value as FeedStats[] | FeedMarker[]) : undefined;
    case 'log':
    case 'logLines':
      return Array.isArray(value) &&
        value.every((l) => typeof l?.id === 'number' && typeof l?.text === 'string')
        ? (value as LogLine[])
        : undefined;
    case 'health':
    case 'stats':
      return Array.isArray(v.nodes) ? (value as FeedHealth | FeedStats) : undefined;
    case 'info':
      return Array.isArray(v.rules) ? (value as FeedInfo) : undefined;
    case 'marker':
      return typeof v.at === 'number' && typeof v.text === 'string' ? (value as FeedMarker) : undefined;
    default:
      return undefined;
  }
}
