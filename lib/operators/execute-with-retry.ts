import { defer, from, lastValueFrom, type ObservableInput } from 'rxjs';
import { type RetryBackoffConfig, retryBackoff } from './retry-backoff.js';

/**
 * Runs `operation` (a function returning a promise or an observable) and retries it with
 * {@link retryBackoff}; resolves with its last value, or rejects with the last error (the reference client's
 * `execute_with_retry`).
 */
export function executeWithRetry<T>(
  operation: () => ObservableInput<T>,
  config: RetryBackoffConfig | number = {},
): Promise<T> {
  return lastValueFrom(defer(() => from(operation())).pipe(retryBackoff<T>(config)));
}
