import { describe, it } from 'vitest';
import type { Fault } from '../../../lib/testing/fault.js';
import { adversarialRun, serverNode } from './adversarial-run.js';

// Every fault mode of the test server on node 3 of three, under steady load; see adversarial-run.ts for the five
// promises checked.
const faults: Fault[] = [
  { kind: 'gray' },
  { kind: 'wrong-type' },
  { kind: 'bad-error-json' },
  { kind: 'garbage' },
  { kind: 'bad-checksum' },
  { kind: 'wrong-sequence' },
  { kind: 'duplicate-reply' },
  { kind: 'huge-length' },
  { kind: 'slowloris', bytesPerWrite: 8, intervalMs: 40 },
  { kind: 'never-read' },
  { kind: 'close-on-accept' },
  { kind: 'reset-mid-reply', rate: 0.5 },
];

describe('adversarial: a hostile node 3 under load', () => {
  it.each(faults.map((f) => [f.kind, f] as const))('%s', async (_kind, fault) => {
    await adversarialRun(() => serverNode(fault));
  });
});

// Intermittent: 5 % of node 3's replies hit, so passive health keeps it in rotation longer and many more requests
// (idempotent: false ones included) meet the fault.
describe('adversarial: an intermittently hostile node 3 (rate 0.05)', () => {
  it.each([
    { kind: 'gray', rate: 0.05 },
    { kind: 'wrong-sequence', rate: 0.05 },
    { kind: 'bad-error-json', rate: 0.05 },
    { kind: 'reset-mid-reply', rate: 0.05 },
  ] as Fault[])('$kind at rate $rate', async (fault) => {
    await adversarialRun(() => serverNode(fault));
  });
});

describe('adversarial: a hostile node 3 reached over WebSocket', () => {
  it.each([
    { kind: 'garbage' },
    { kind: 'slowloris', bytesPerWrite: 8, intervalMs: 40 },
    { kind: 'reset-mid-reply' },
  ] as Fault[])('$kind over WebSocket', async (fault) => {
    await adversarialRun(() => serverNode(fault, true));
  });
});
