import { VirtualTimeScheduler } from 'rxjs';
import { describe, expect, it } from 'vitest';
import type { ClusterView } from '../../../lib/router/cluster-view.js';
import { Hedging } from '../../../lib/router/hedging.js';
import { validateConfig } from '../../../lib/router/validate-config.js';

describe('Hedging', () => {
  it('the derived delay is the median over eligible nodes of their percentile; a removed node is forgotten', () => {
    const scheduler = new VirtualTimeScheduler();
    let eligible = [1, 2, 3];
    const cluster = {
      get eligible() {
        return eligible;
      },
    } as unknown as ClusterView;
    const config = validateConfig({ hosts: ['a:1'], hedge: { minDelayMs: 0 } }).config.hedge;
    const hedging = new Hedging(config, scheduler, cluster);
    expect(hedging.delayMs()).toBe(Number.POSITIVE_INFINITY); // nothing known yet
    for (let i = 0; i < 50; i++) {
      hedging.record(1, 10);
      hedging.record(2, 20);
      hedging.record(3, 30);
    }
    expect(hedging.delayMs()).toBe(20);
    // churn: ids are never reused, so every departed node's window must go
    for (let id = 4; id < 1004; id++) {
      hedging.record(id, 5);
      hedging.forget(id);
    }
    hedging.forget(3);
    eligible = [1, 2];
    expect(hedging.windowCount).toBe(2);
  });
});
