import type { FeedEvent, FeedHealth, FeedStats } from './feed-types.js';
import { SseParser } from './parse-sse.js';

/** Callbacks of {@link connectFeed}. */
export interface FeedHandlers {
  onHealth?(health: FeedHealth): void;
  onStats?(stats: FeedStats): void;
  onEvent?(event: FeedEvent): void;
  /** `connecting`, `open` or `closed` (will retry), with the retry delay when closed. */
  onStatus?(status: 'connecting' | 'open' | 'closed', retryInMs?: number): void;
  /** A message that was not valid JSON of the expected shape; it is skipped. */
  onBadData?(event: string, data: string): void;
}

/** Options of {@link connectFeed}. */
export interface FeedOptions {
  /** @defaultValue globalThis.fetch */
  readonly fetch?: typeof fetch;
  /** First reconnect delay; doubles up to `maxRetryMs`, resets once a stream opens. @defaultValue 500 */
  readonly retryMs?: number;
  /** @defaultValue 5000 */
  readonly maxRetryMs?: number;
}

/**
 * Reads the dashboard's SSE feed with `fetch` (so it runs in browsers and in Node, and msw can intercept it),
 * dispatches `health`, `stats` and `event` messages, skips bad data, and reconnects with backoff whenever the
 * stream fails or ends, until `close()`.
 */
export function connectFeed(
  url: string,
  handlers: FeedHandlers,
  options: FeedOptions = {},
): { close(): void } {
  const doFetch = options.fetch ?? globalThis.fetch.bind(globalThis);
  const firstRetry = options.retryMs ?? 500;
  const maxRetry = options.maxRetryMs ?? 5000;
  let retry = firstRetry;
  let closed = false;
  let controller: AbortController | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;

  const dispatch = (event: string, data: string) => {
    let value: unknown;
    try {
      value = JSON.parse(data);
    } catch {
      handlers.onBadData?.(event, data);
      return;
    }
    if (typeof value !== 'object' || value === null) return handlers.onBadData?.(event, data);
    if (event === 'health' && Array.isArray((value as FeedHealth).nodes))
      handlers.onHealth?.(value as FeedHealth);
    else if (event === 'stats' && Array.isArray((value as FeedStats).nodes))
      handlers.onStats?.(value as FeedStats);
    else if (event === 'event' && typeof (value as FeedEvent).type === 'string')
      handlers.onEvent?.(value as FeedEvent);
    else handlers.onBadData?.(event, data);
  };

  const run = async () => {
    if (closed) return;
    handlers.onStatus?.('connecting');
    controller = new AbortController();
    const parser = new SseParser();
    try {
      const response = await doFetch(url, {
        headers: { accept: 'text/event-stream' },
        signal: controller.signal,
      });
      if (!response.ok || !response.body) throw new Error(`feed answered ${response.status}`);
      handlers.onStatus?.('open');
      retry = firstRetry;
      const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        for (const e of parser.push(value)) dispatch(e.event, e.data);
      }
    } catch {
      // fall through to reconnect
    }
    if (closed) return;
    const wait = parser.retryMs ?? retry;
    retry = Math.min(maxRetry, retry * 2);
    handlers.onStatus?.('closed', wait);
    timer = setTimeout(run, wait);
  };

  void run();
  return {
    close() {
      closed = true;
      clearTimeout(timer);
      controller?.abort();
    },
  };
}
