import type { Channel } from 'node:diagnostics_channel';
import type { Subscription } from 'rxjs';
import type { RouterEvent } from '../router/router-event.js';
import type { Router } from '../router/router-types.js';
import { TraceChannel } from './trace-channel.js';

/** Options of {@link traceRouter}. */
export interface TraceOptions {
  /** How often to look whether anyone subscribed to a channel (subscribing has no hook). @defaultValue 1000 */
  readonly checkEveryMs?: number;
}

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

/**
 * Publishes a router's request lifecycle on `node:diagnostics_channel` (see {@link TraceChannel}). It listens
 * to `router.events$` only while some channel has a subscriber (checked now and every `checkEveryMs`, on an
 * unref'd timer), so with no subscriber per-request events are not built. Outside Node (no
 * `process.getBuiltinModule`, e.g. in a browser) it does nothing. It stops by itself when the router closes
 * (`health$` completes); `stop()` ends it sooner.
 *
 * ```ts
 * import diagnostics_channel from 'node:diagnostics_channel';
 * diagnostics_channel.subscribe('qdb-router:request:end', (m) => console.log(m.requestId, m.durationMs));
 * ```
 */
export function traceRouter(router: Router, options: TraceOptions = {}): { stop(): void } {
  const dc = (
    globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }
  ).process?.getBuiltinModule?.('node:diagnostics_channel') as
    | typeof import('node:diagnostics_channel')
    | undefined;
  if (!dc) return { stop() {} };
  const channels = new Map<TraceChannel, Channel>(
    Object.values(TraceChannel).map((name) => [name, dc.channel(name)]),
  );
  const anyone = () => [...channels.values()].some((c) => c.hasSubscribers);
  let sub: Subscription | undefined;
  let closed: Subscription | undefined;
  let done = false;
  const publish = (e: RouterEvent) => {
    const name = channelOf[e.type];
    const channel = name && channels.get(name);
    if (channel?.hasSubscribers) channel.publish({ ...e, router });
  };
  const check = () => {
    if (done) return;
    if (anyone() && !sub) {
      sub = router.events$.subscribe({ next: publish, complete: stop });
    } else if (!anyone() && sub) {
      sub.unsubscribe();
      sub = undefined;
    }
  };
  const timer = setInterval(check, options.checkEveryMs ?? 1000);
  timer.unref?.();
  function stop() {
    done = true;
    clearInterval(timer);
    sub?.unsubscribe();
    sub = undefined;
    closed?.unsubscribe();
  }
  // health$ completes when the router closes (it builds no per-request event): the tracer stops then
  closed = router.health$.subscribe({ complete: stop });
  if (done) closed.unsubscribe();
  check();
  return { stop };
}
