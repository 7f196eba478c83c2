/** The one 'abort' listener of a signal and the callbacks it runs. */
interface Watch {
  readonly callbacks: Set<() => void>;
  readonly listener: () => void;
}

const watches = new WeakMap<AbortSignal, Watch>();

/**
 * Runs `callback` once when `signal` aborts; the returned function stops watching. However many requests watch
 * one signal, the signal holds ONE listener (added by the first watcher, removed with the last): a long-lived
 * signal shared by thousands of requests in flight never trips Node's `MaxListenersExceededWarning` (more than
 * 10 listeners on one event target), and watching or unwatching costs O(1).
 */
export function watchAbort(signal: AbortSignal, callback: () => void): () => void {
  let watch = watches.get(signal);
  if (watch === undefined) {
    const callbacks = new Set<() => void>();
    const listener = () => {
      watches.delete(signal);
      for (const cb of callbacks) {
        try {
          cb();
        } catch {
          // a watcher must not throw (the router's own never do); if one does, the others still run, and
          // nothing is thrown into the signal's dispatch (Node would report it as an uncaught exception)
        }
      }
      callbacks.clear();
    };
    watch = { callbacks, listener };
    watches.set(signal, watch);
    signal.addEventListener('abort', listener, { once: true });
  }
  const w = watch;
  w.callbacks.add(callback);
  return () => {
    if (!w.callbacks.delete(callback) || w.callbacks.size > 0) return;
    if (watches.get(signal) === w) watches.delete(signal);
    signal.removeEventListener('abort', w.listener);
  };
}
