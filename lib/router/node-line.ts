import type { NodeReport } from '../errors.js';

/** One node as one line of an error message: `  node 1 127.0.0.1:7000: down (passive), last error ERR_…: …`. */
export function nodeLine(r: NodeReport): string {
  const state = r.status === null ? 'no health yet' : `${r.status} (${r.manual ? 'manual' : r.reason})`;
  const error = r.code === null ? 'no error seen' : `last error ${r.code}: ${r.message}`;
  return `  node ${r.nodeId} ${r.address}: ${state}, ${error}`;
}
