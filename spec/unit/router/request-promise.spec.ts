import { getEventListeners } from 'node:events';
import { Observable, of, throwError } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { ErrorCode, RouterError } from '../../../lib/errors.js';
import { AbortedError } from '../../../lib/router/aborted-error.js';
import { requestPromise } from '../../../lib/router/request-promise.js';
import type { Message } from '../../../lib/wire/message.js';

const reply = { sequence: 1 } as unknown as Message;

/** A request$ that never answers and records what it was given and whether it was cancelled. */
function pending() {
  const seen = { subscribed: 0, cancelled: 0, options: undefined as unknown };
  const request$ = (_payload: unknown, options?: unknown) => {
    seen.options = options;
    return new Observable<Message>(() => {
      seen.subscribed++;
      return () => {
        seen.cancelled++;
      };
    });
  };
  return { seen, request$ };
}

describe('requestPromise (router.request with a signal)', () => {
  it('resolves with the reply; the other options reach request$ without the signal; no listener left', async () => {
    const controller = new AbortController();
    let given: unknown;
    const request$ = (_p: unknown, o?: unknown) => {
      given = o;
      return of(reply);
    };
    await expect(requestPromise(request$, 'x', { timeoutMs: 50, signal: controller.signal })).resolves.toBe(
      reply,
    );
    expect(given).toEqual({ timeoutMs: 50 });
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
  });

  it('an aborted signal: ERR_ABORTED at once, nothing subscribed (nothing sent)', async () => {
    const { seen, request$ } = pending();
    const reason = new Error('user left');
    const err = await requestPromise(request$, 'x', { signal: AbortSignal.abort(reason) }).catch((e) => e);
    expect(err).toBeInstanceOf(AbortedError);
    expect(err).toBeInstanceOf(RouterError);
    expect(err.code).toBe(ErrorCode.Aborted);
    expect(err.retryable).toBe(false);
    expect(err.cause).toBe(reason);
    expect(err.message).toBe('request aborted by its signal (Error: user left)');
    expect(seen.subscribed).toBe(0);
  });

  it('abort mid-flight: the request is unsubscribed (cancelled) and rejects with ERR_ABORTED; listener removed', async () => {
    const { seen, request$ } = pending();
    const controller = new AbortController();
    const p = requestPromise(request$, 'x', { signal: controller.signal });
    expect(seen.subscribed).toBe(1);
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(1);
    controller.abort();
    const err = await p.catch((e) => e);
    expect(err.code).toBe('ERR_ABORTED');
    expect((err.cause as DOMException).name).toBe('AbortError');
    expect(seen.cancelled).toBe(1);
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
  });

  it('a failed request removes its listener too; a shared signal holds none of 1000 settled requests', async () => {
    const controller = new AbortController();
    const boom = new RouterError('ERR_REQUEST_TIMEOUT', 'late', { retryable: true });
    for (let i = 0; i < 1000; i++) {
      const request$ = () => (i % 2 ? of(reply) : throwError(() => boom));
      await requestPromise(request$, 'x', { signal: controller.signal }).catch(() => undefined);
    }
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
  });

  it('a signal that fires while the request is starting (synchronously, inside subscribe) still aborts it', async () => {
    const controller = new AbortController();
    let cancelled = 0;
    const request$ = () =>
      new Observable<Message>(() => {
        controller.abort(); // e.g. an events$ listener reacting to requestStarted
        return () => {
          cancelled++;
        };
      });
    const err = await requestPromise(request$, 'x', { signal: controller.signal }).catch((e) => e);
    expect(err.code).toBe('ERR_ABORTED');
    expect(cancelled).toBe(1);
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
  });

  it('2,000 requests in flight on one signal: one listener, no MaxListenersExceededWarning; abort rejects all', async () => {
    const controller = new AbortController();
    const { seen, request$ } = pending();
    const warnings: Error[] = [];
    const onWarning = (w: Error) => warnings.push(w);
    process.on('warning', onWarning);
    try {
      const all = Array.from({ length: 2000 }, () =>
        requestPromise(request$, 'x', { signal: controller.signal }).catch((e) => e),
      );
      expect(getEventListeners(controller.signal, 'abort')).toHaveLength(1);
      controller.abort();
      const errors = await Promise.all(all);
      expect(errors.every((e) => e.code === 'ERR_ABORTED')).toBe(true);
      expect(seen.cancelled).toBe(2000);
      await new Promise((r) => setImmediate(r)); // warnings are emitted on the next tick
      expect(warnings.filter((w) => w.name === 'MaxListenersExceededWarning')).toEqual([]);
    } finally {
      process.off('warning', onWarning);
    }
  });

  it('a signal that is not an AbortSignal: ERR_CONFIG naming options.signal; no signal key: options as given', async () => {
    const { seen, request$ } = pending();
    const err = await requestPromise(request$, 'x', { signal: 'stop' }).catch((e) => e);
    expect(err.code).toBe('ERR_CONFIG');
    expect(err.message).toContain('options.signal = "stop"');
    expect(seen.subscribed).toBe(0);
    void requestPromise(request$, 'x', null);
    expect(seen.options).toBe(null);
    void requestPromise(request$, 'x', { signal: undefined, idempotent: false });
    expect(seen.options).toEqual({ idempotent: false });
  });

  it('hostile options (a revoked Proxy, a throwing signal getter): a typed ERR_CONFIG rejection, never a throw', async () => {
    const { seen, request$ } = pending();
    const { proxy, revoke } = Proxy.revocable({}, {});
    revoke();
    const throwing = Object.defineProperty({}, 'signal', {
      enumerable: true,
      get() {
        throw new Error('no signal for you');
      },
    });
    for (const options of [proxy, throwing]) {
      const p = requestPromise(request$, 'x', options);
      await expect(p).rejects.toMatchObject({ code: ErrorCode.Config });
    }
    await expect(requestPromise(request$, 'x', throwing)).rejects.toThrow(/no signal for you/);
    expect(seen.subscribed).toBe(0);
  });
});
