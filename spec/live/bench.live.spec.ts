import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CliProcess } from '../support/cli-process.js';

describe('qdb-router bench --quick --json (the benchmark tool works; its numbers are not asserted)', () => {
  it('runs every scenario and ends with one JSON line holding every figure and ratio', async () => {
    // results go to a temporary folder: the tracked bench/results/latest.md stays as it is
    const out = mkdtempSync(join(tmpdir(), 'qdb-bench-'));
    const bench = CliProcess.start(['bench', '--quick', '--json', '--out', out]);
    const code = await bench.exited;
    const wrote = existsSync(join(out, 'latest.md'));
    rmSync(out, { recursive: true, force: true });
    expect(code).toBe(0);
    expect(wrote).toBe(true);
    const last = bench.output.trim().split('\n').at(-1)!;
    const result = JSON.parse(last) as {
      throughput: Array<{ client: string; failed: number; requests: number; heapBytesPerRequest: number }>;
      ratios: Record<string, number>;
      queue: { expire100kOver10k: number; cancel100kOver10k: number; expiredTyped: boolean };
      failover: { failed: number; requests: number };
      memory: { bytesPerIdleConnection: number };
    };
    expect(result.throughput).toHaveLength(24);
    expect([...new Set(result.throughput.map((r) => r.client))]).toEqual([
      'raw socket',
      'pool, 1 request/connection',
      'qdb-router',
      'qdb-router (hedging on)',
    ]);
    for (const r of result.throughput) {
      expect(r.failed).toBe(0);
      expect(r.requests).toBeGreaterThan(0);
      expect(r.heapBytesPerRequest).toBeGreaterThan(0);
    }
    // the per-request ratios come from interleaved rounds of raw, router and router with hedging
    const paired = (
      result as unknown as { paired: Record<string, { cpuUsPerRequest: number; rounds: number }> }
    ).paired;
    expect(Object.keys(paired)).toEqual(['raw socket', 'qdb-router', 'qdb-router (hedging on)']);
    for (const p of Object.values(paired)) {
      expect(p.rounds).toBe(3);
      expect(p.cpuUsPerRequest).toBeGreaterThan(0);
    }
    expect(result.ratios.hedgingOnOverOffCpu_32B_256).toBeCloseTo(
      paired['qdb-router (hedging on)']!.cpuUsPerRequest / paired['qdb-router']!.cpuUsPerRequest,
      9,
    );
    expect(result.queue.expire100kOver10k).toBeGreaterThan(0);
    expect(result.queue.cancel100kOver10k).toBeGreaterThan(0);
    expect(result.queue.expiredTyped).toBe(true);
    for (const key of [
      'routerOverRaw_32B_256',
      'routerOverPool_32B_64',
      'pickCost1000Over3',
      'pickOnly1000Over3',
      'routerCpuOverRaw_32B_256',
      'routerHeapOverRaw_32B_256',
      'hedgingOnOverOffCpu_32B_256',
    ]) {
      expect(result.ratios[key]).toBeGreaterThan(0);
    }
    expect(result.failover.requests).toBeGreaterThan(0);
    expect(result.memory.bytesPerIdleConnection).toBeGreaterThan(0);
  }, 300_000);
});
