import type { NodeReport } from '../errors.js';

/** Node lines in an error message, at most (`err.nodes` has every node). */
const maxLines = 20;

/**
 * Nodes as lines of an error message, one each — `  node 1 127.0.0.1:7000: down (passive), last error ERR_…: …` —
 * at most 20, then one line saying how many more (`err.nodes` lists every one).
 */
export function nodeLines(reports: readonly NodeReport[]): string[] {
  const lines = reports.slice(0, maxLines).map(line);
  if (reports.length > maxLines)
    lines.push(`  … and ${reports.length - maxLines} more nodes (err.nodes lists every one)`);
  return lines;
}

function line(r: NodeReport): string {
  const state = r.status === null ? 'no health yet' : `${r.status} (${r.manual ? 'manual' : r.reason})`;
  const error = r.code === null ? 'no error seen' : `last error ${r.code}: ${r.message}`;
  return `  node ${r.nodeId} ${r.address}: ${state}, ${error}`;
}
