import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BreakIncidents, type BreakingRequest } from '../../../lib/router/break-incidents.js';

function setup() {
  const counted: number[] = [];
  const incidents = new BreakIncidents((id) => counted.push(id), 2);
  return { counted, incidents };
}

describe('BreakIncidents (the poison rule before health)', () => {
  it('counts an incident once: after the close is reported AND every request on it has ended', () => {
    const { counted, incidents } = setup();
    const a: BreakingRequest = { hardFailures: 0 };
    const b: BreakingRequest = { hardFailures: 0 };
    incidents.broke(1, a);
    incidents.broke(1, b);
    incidents.ended(a);
    expect(counted).toEqual([]);
    incidents.closed(1);
    expect(counted).toEqual([]);
    incidents.ended(b);
    expect(counted).toEqual([1]);
    incidents.ended(b); // twice: nothing more
    expect(counted).toEqual([1]);
  });

  it('an idle connection breaking counts at once; a leased one never', () => {
    const { counted, incidents } = setup();
    incidents.closed(3);
    incidents.closed(4, true);
    expect(counted).toEqual([3]);
  });

  it('never counts an incident a poison request took part in, on either node', () => {
    const { counted, incidents } = setup();
    const poison: BreakingRequest = { hardFailures: 0 };
    incidents.broke(1, poison);
    incidents.closed(1);
    incidents.broke(2, poison);
    incidents.closed(2);
    incidents.ended(poison);
    expect(counted).toEqual([]);
    expect(poison.breaks).toBeUndefined();
  });

  it('property: with no poison request, every sealed incident is counted exactly once, whatever the order', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({ node: fc.integer({ min: 1, max: 3 }), requests: fc.integer({ min: 0, max: 4 }) }),
          {
            minLength: 1,
            maxLength: 10,
          },
        ),
        fc.boolean(),
        (rounds, endFirst) => {
          const { counted, incidents } = setup();
          for (const round of rounds) {
            const rs = Array.from({ length: round.requests }, () => ({ hardFailures: 0 }) as BreakingRequest);
            for (const r of rs) incidents.broke(round.node, r);
            if (endFirst) for (const r of rs) incidents.ended(r);
            incidents.closed(round.node);
            if (!endFirst) for (const r of rs) incidents.ended(r);
          }
          expect(counted).toEqual(rounds.map((r) => r.node));
        },
      ),
    );
  });
});
