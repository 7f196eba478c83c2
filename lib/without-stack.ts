/**
 * `make()` with stack capture off: the error it builds has its message and fields but no stack frames.
 *
 * For the errors a request fails with from inside the router's own timers and socket callbacks — a deadline that
 * came, a connection lost under its requests, no connection by the deadline. Their frames would only show the
 * router's timer and socket internals, never the caller's code, and capturing them was a third of the CPU of a
 * flood of expiries (100,000 requests queued on a hung node, `bench/queue.mjs`). `Error.stackTraceLimit` is
 * restored whatever `make` does; engines without it (not V8) capture as usual.
 */
export function withoutStack<T>(make: () => T): T {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    return make();
  } finally {
    Error.stackTraceLimit = limit;
  }
}
