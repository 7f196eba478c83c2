/**
 * What a send returns: `cancel()` gives up on the request (a frame not yet written is never written; nothing is
 * called back afterwards). A no-op once the request has settled. The request's own bookkeeping object is its
 * handle, so a send allocates no closure for it.
 */
export interface Cancellable {
  cancel(): void;
}
