import type { Channel } from 'node:diagnostics_channel';
import type { RouterEvent } from '../router/router-event.js';
import { TraceChannel } from './trace-channel.js';
import { tracingMuted as muted } from './trace-muted.js';

/** Which channel publishes which router event (see `TraceChannel`). */
const channelOf: Record<string, TraceChannel> = {
  requestStarted: TraceChannel.RequestStart,
  attemptStarted: TraceChannel.Attempt,
  retryScheduled: TraceChannel.Retry,
  hedgeSent: TraceChannel.Hedge,
  hedgeWon: TraceChannel.Hedge,
  requestSucceeded: TraceChannel.End,
  requestFailed: TraceChannel.End,
  nodeStatusChanged: TraceChannel.NodeStatus,
};

let channels: Map<string, Channel> | null | undefined;

/** The channels, created once per process; `null` outside Node (no `process.getBuiltinModule`: a browser). */
function open(): Map<string, Channel> | null {
  if (channels !== undefined) return channels;
  const dc = (
    globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }
  ).process?.getBuiltinModule?.('node:diagnostics_channel') as
    | typeof import('node:diagnostics_channel')
    | undefined;
  channels = dc ? new Map(Object.entries(channelOf).map(([type, name]) => [type, dc.channel(name)])) : null;
  return channels;
}

/** A router's side of tracing: whether anyone listens now, and publishing one event. */
export interface TracePublisher {
  /** True while some `qdb-router:*` channel has a subscriber (checked at each call: `hasSubscribers`). */
  active(): boolean;
  /** Publishes the event (plus `router`) on its channel if that channel has a subscriber now. */
  publish(event: RouterEvent): void;
}

/**
 * Publishing a router's events on `node:diagnostics_channel`, checked at publish time as undici does: the
 * router asks `active()` before it builds a per-request event (a few `hasSubscribers` reads, ~6 ns), so a
 * subscriber attached mid-traffic sees the very next request and no subscriber costs nothing. `router()` gives
 * the router object put in every message. A router in `tracingMuted` (`traceRouter(router).stop()`) publishes nothing.
 */
export function tracePublisher(router: () => object): TracePublisher {
  const byType = open();
  if (!byType) return { active: () => false, publish() {} };
  const all = [...new Set(byType.values())];
  return {
    active: () => {
      for (const channel of all) if (channel.hasSubscribers) return !muted.has(router());
      return false;
    },
    publish(event) {
      const channel = byType.get(event.type);
      if (channel?.hasSubscribers && !muted.has(router())) channel.publish({ ...event, router: router() });
    },
  };
}
