import { ErrorCode, RouterError } from '../errors.js';

/**
 * `ERR_ABORTED` (not retryable): `request(payload, { signal })` ended because its `AbortSignal` fired. `cause`
 * is `signal.reason` (a `DOMException` named `AbortError` unless `abort(reason)` gave one). The request was
 * cancelled as by unsubscribing from `request$`: its slot is freed and a late reply is dropped — but a request
 * already written may still have been executed by the node.
 */
export class AbortedError extends RouterError {
  override readonly name = 'AbortedError';

  constructor(reason: unknown) {
    super(ErrorCode.Aborted, `request aborted by its signal${describe(reason)}`, { cause: reason });
  }
}

function describe(reason: unknown): string {
  if (reason instanceof Error) return ` (${reason.name}: ${reason.message})`;
  if (reason === undefined) return '';
  try {
    return ` (${String(reason)})`;
  } catch {
    return '';
  }
}
