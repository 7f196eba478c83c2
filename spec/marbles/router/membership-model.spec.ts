import { fc } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { RouterError } from '../../../lib/errors.js';
import { MessageType } from '../../../lib/wire/message.js';
import { membershipSetup, type Outcome } from './membership-cluster.js';
import { drive } from './script-cluster.js';

const labels = ['10.0.0.1:7000', '10.0.0.2:7000', '10.0.0.3:7000', '10.0.0.4:7000', '10.0.0.5:7000'];

type Command =
  | { readonly kind: 'add' | 'remove' | 'kill' | 'revive'; readonly server: number }
  | { readonly kind: 'slow'; readonly server: number; readonly ms: number }
  | { readonly kind: 'request'; readonly idempotent: boolean; readonly timeoutMs: number }
  | { readonly kind: 'wait'; readonly ms: number };

const server = fc.nat({ max: labels.length - 1 });
const command: fc.Arbitrary<Command> = fc.oneof(
  fc.record({ kind: fc.constantFrom('add' as const, 'remove' as const), server }),
  fc.record({ kind: fc.constantFrom('kill' as const, 'revive' as const), server }),
  fc.record({ kind: fc.constant('slow' as const), server, ms: fc.integer({ min: 1, max: 400 }) }),
  fc.record({
    kind: fc.constant('request' as const),
    idempotent: fc.boolean(),
    timeoutMs: fc.integer({ min: 50, max: 2000 }),
  }),
  fc.record({
    kind: fc.constant('request' as const),
    idempotent: fc.boolean(),
    timeoutMs: fc.constant(1000),
  }),
  fc.record({ kind: fc.constant('wait' as const), ms: fc.integer({ min: 1, max: 300 }) }),
);

describe('membership model (fast-check over the real Connection and Pool, hosts a Subject)', () => {
  it('random add / remove / re-add / request / kill / slow: no frame to a removed node after its removal, every request ends by its deadline, idempotent: false at most once', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(command, { minLength: 5, maxLength: 40 }), async (commands) => {
        const t = membershipSetup(labels, {
          joinSpreadMs: 20,
          timeoutMs: 1000,
          health: { intervalMs: 100, timeoutMs: 100, maxIntervalMs: 400 },
        });
        const removedAt = new Map<number, number>();
        t.router.events$.subscribe((e) => {
          if (e.type === 'nodeDraining') removedAt.set(e.nodeId, t.farm.mark());
        });
        const wanted = new Set<string>([labels[0]!, labels[1]!]);
        t.hosts.next([...wanted]);
        await drive(t.scheduler, 50);
        const requests: { outcome: Outcome; idempotent: boolean; timeoutMs: number; payload: string }[] = [];
        let n = 0;
        for (const c of commands) {
          const label = 'server' in c ? labels[c.server]! : '';
          const script = t.farm.servers.get(label);
          if (c.kind === 'add' || c.kind === 'remove') {
            if (c.kind === 'add') wanted.add(label);
            else wanted.delete(label);
            t.hosts.next([...wanted]);
          } else if (c.kind === 'kill') t.farm.kill(label);
          else if (c.kind === 'revive' && script) script.down = false;
          else if (c.kind === 'slow' && script) script.latencyMs = c.ms;
          else if (c.kind === 'request') {
            const payload = `p${n++}`;
            const { idempotent, timeoutMs } = c;
            requests.push({
              outcome: t.send(payload, { idempotent, timeoutMs }),
              idempotent,
              timeoutMs,
              payload,
            });
          } else if (c.kind === 'wait') await drive(t.scheduler, t.scheduler.now() + c.ms);
        }
        await drive(t.scheduler, t.scheduler.now() + 3000);
        for (const s of t.farm.sent) {
          const removed = removedAt.get(s.nodeId);
          if (s.type === MessageType.Data && removed !== undefined)
            expect(s.seq, `Data to node ${s.nodeId} after its removal`).toBeLessThan(removed);
        }
        for (const r of requests) {
          expect(r.outcome.at, `${r.payload} ended`).toBeGreaterThanOrEqual(0);
          expect(r.outcome.at - r.outcome.start, `${r.payload} by its deadline`).toBeLessThanOrEqual(
            r.timeoutMs,
          );
          if (r.outcome.error) expect(r.outcome.error).toBeInstanceOf(RouterError);
          else expect(r.outcome.value).toBe(r.payload);
          if (!r.idempotent)
            expect(t.farm.executions(r.payload), `${r.payload} executed`).toBeLessThanOrEqual(1);
        }
        await t.close();
      }),
      { numRuns: 60 },
    );
  }, 120_000);
});
