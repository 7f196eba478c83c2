import { type NodeReport, RouterError } from '../errors.js';
import { nodeLines } from './node-lines.js';

const gaveUp: Record<string, string> = {
  count: 'no retries left',
  deadline: 'the deadline left no time for another retry',
  budget: 'the retry budget refused another retry',
};

/**
 * The error a request fails with once it gave up after retrying (`why`: `count`, `deadline` or `budget`): a copy
 * of `error` — same class, code, first line, cause and fields, so code that branches on them is unaffected —
 * whose `nodes` lists each node the request tried, and whose message lists them below its first line:
 * ```
 * node 2 replied BUSY: try again
 *   gave up after 4 attempts (no retries left); the nodes tried:
 *   node 1 127.0.0.1:7000: suspect (passive), last error ERR_REMOTE: node 1 replied BUSY: try again
 * ```
 * A copy, because one error object may fail several requests at once. Not a RouterError (thrown by user
 * code): returned unchanged.
 */
export function withNodeDetail<E>(error: E, nodes: readonly NodeReport[], attempts: number, why: string): E {
  if (!(error instanceof RouterError)) return error;
  const copy = Object.create(
    Object.getPrototypeOf(error),
    Object.getOwnPropertyDescriptors(error),
  ) as RouterError;
  const message =
    `${error.message}\n  gave up after ${attempts} attempts (${gaveUp[why] ?? why}); the nodes tried:\n` +
    nodeLines(nodes).join('\n');
  Object.defineProperty(copy, 'message', {
    value: message,
    enumerable: false,
    writable: true,
    configurable: true,
  });
  Object.defineProperty(copy, 'nodes', { value: nodes, enumerable: true });
  return copy as E;
}
