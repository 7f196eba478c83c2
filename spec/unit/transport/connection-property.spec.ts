import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ErrorCode, type RouterError } from '../../../lib/errors.js';
import { FrameDecoder } from '../../../lib/wire/frame-decoder.js';
import type { Message } from '../../../lib/wire/message.js';
import { setup } from './connection-harness.js';

/** What the application and the node do, one step at a time. */
type Command =
  | { kind: 'send'; size: number; timeoutMs: number }
  | { kind: 'cancel'; pick: number }
  | { kind: 'pause' }
  | { kind: 'resume' }
  | { kind: 'reply'; pick: number }
  | { kind: 'advance'; ms: number };

const command: fc.Arbitrary<Command> = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.record({
      kind: fc.constant('send' as const),
      size: fc.integer({ min: 4, max: 3000 }),
      timeoutMs: fc.integer({ min: 1, max: 200 }),
    }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('cancel' as const), pick: fc.nat() }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'pause' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'resume' as const }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('reply' as const), pick: fc.nat() }) },
  {
    weight: 2,
    arbitrary: fc.record({ kind: fc.constant('advance' as const), ms: fc.integer({ min: 0, max: 60 }) }),
  },
);

interface Request {
  readonly id: number;
  readonly deadline: number;
  cancel: () => void;
  cancelled: boolean;
  /** Was its frame on the wire when it was cancelled? */
  writtenAtCancel: boolean;
  settled: Array<{ err?: RouterError; reply?: Message; at: number; written: boolean }>;
}

const idOf = (m: Message) => new DataView(m.payload.buffer, m.payload.byteOffset, 4).getUint32(0, true);

describe('Connection property: the write path in virtual time', () => {
  it('for any sends, cancellations, write results and drains: every frame once and in order, cancelled-before-written never, every request settled once by its deadline, buffered bytes bounded', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(command, { minLength: 1, maxLength: 40 }),
        fc.integer({ min: 64, max: 8192 }),
        fc.integer({ min: 2000, max: 20_000 }),
        async (commands, highWaterMark, maxBufferedBytes) => {
          const h = setup({ maxBufferedBytes, maxInFlight: 10_000 }, highWaterMark);
          const requests: Request[] = [];
          const onWire = () =>
            new FrameDecoder({ maxMessageBytes: 1 << 22 }).push(Buffer.concat(h.client.written));
          const answered = new Set<number>();
          let maxFrame = 0;
          for (const c of commands) {
            if (c.kind === 'send') {
              const id = requests.length;
              const payload = new Uint8Array(c.size);
              new DataView(payload.buffer).setUint32(0, id, true);
              const deadline = h.scheduler.now() + c.timeoutMs;
              const r: Request = {
                id,
                deadline,
                cancel: () => {},
                cancelled: false,
                writtenAtCancel: false,
                settled: [],
              };
              requests.push(r);
              maxFrame = Math.max(maxFrame, c.size + 53);
              r.cancel = h.conn.send(2, payload, deadline, (err, reply) =>
                r.settled.push({
                  err,
                  reply,
                  at: h.scheduler.now(),
                  written: onWire().some((m) => idOf(m) === id),
                }),
              );
            } else if (c.kind === 'cancel' && requests.length > 0) {
              const r = requests[c.pick % requests.length]!;
              if (r.settled.length === 0 && !r.cancelled) {
                r.cancelled = true;
                r.writtenAtCancel = onWire().some((m) => idOf(m) === r.id);
                r.cancel();
              }
            } else if (c.kind === 'pause') h.server.pause();
            else if (c.kind === 'resume') h.server.resume();
            else if (c.kind === 'reply') {
              const open = h.received.filter((m) => !answered.has(Number(m.sequence)));
              if (open.length > 0) {
                const m = open[c.pick % open.length]!;
                answered.add(Number(m.sequence));
                h.reply(m);
              }
            } else if (c.kind === 'advance') await h.step(h.scheduler.now() + c.ms);
            await h.step(h.scheduler.now());
            // the bound holds at every step (one frame alone may exceed it on an empty connection)
            expect(h.conn.bufferedBytes).toBeLessThanOrEqual(
              Math.max(maxBufferedBytes, maxFrame) + highWaterMark,
            );
            expect(h.conn.bufferedBytes - h.client.writableLength).toBeLessThanOrEqual(maxBufferedBytes);
          }
          // let everything finish: the node reads and answers all, time runs past every deadline
          h.server.resume();
          await h.step(h.scheduler.now() + 1);
          for (const m of h.received) if (!answered.has(Number(m.sequence))) h.reply(m);
          await h.step(h.scheduler.now() + 1000);

          const wire = onWire().map(idOf);
          // each frame on the wire once, in the order sent
          expect(new Set(wire).size).toBe(wire.length);
          expect([...wire].sort((a, b) => a - b)).toEqual(wire);
          for (const r of requests) {
            if (r.cancelled) {
              expect(r.settled).toEqual([]); // a cancelled request is never told anything
              if (!r.writtenAtCancel) expect(wire).not.toContain(r.id);
              continue;
            }
            expect(r.settled).toHaveLength(1); // settled exactly once
            const [s] = r.settled;
            expect(s!.at).toBeLessThanOrEqual(r.deadline);
            if (s!.err?.code === ErrorCode.RequestTimeout) expect(s!.at).toBe(r.deadline);
            else if (s!.err) expect(s!.err.code).toBe(ErrorCode.Backpressure);
            else expect(idOf(s!.reply!)).toBe(r.id);
            // a request that failed before its frame was written (not sent, or timed out in the queue) never is
            if (s!.err && !s!.written) expect(wire).not.toContain(r.id);
          }
          expect(h.conn.inFlight).toBe(0);
          expect(h.conn.isOpen).toBe(true);
          expect(h.scheduler.actions).toHaveLength(0);
        },
      ),
      { numRuns: 150 },
    );
  });
});

/** Steps of the slot-table property: many sequences go by while some requests stay pending for long. */
type SlotCommand =
  | { kind: 'send'; long: boolean }
  | { kind: 'reply'; pick: number }
  | { kind: 'cancel'; pick: number }
  | { kind: 'advance'; ms: number };

const slotCommand: fc.Arbitrary<SlotCommand> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ kind: fc.constant('send' as const), long: fc.boolean() }) },
  { weight: 5, arbitrary: fc.record({ kind: fc.constant('reply' as const), pick: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('cancel' as const), pick: fc.nat() }) },
  {
    weight: 1,
    arbitrary: fc.record({ kind: fc.constant('advance' as const), ms: fc.integer({ min: 1, max: 30 }) }),
  },
);

describe('Connection property: the pending slot table', () => {
  it('over hundreds of sequences with long-lived requests in their slots: sequences in flight are distinct, every reply reaches its own request, a late reply to a request gone (even one whose slot a newer request holds) is dropped and counted, inFlight is exact', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(slotCommand, { minLength: 50, maxLength: 400 }), async (commands) => {
        const h = setup({ maxInFlight: 10_000 });
        interface Req {
          id: number;
          settled: Array<{ err?: RouterError; reply?: Message }>;
          cancel: () => void;
          gone: boolean;
        }
        const reqs: Req[] = [];
        const answered = new Set<number>();
        let lateReplies = 0;
        for (const c of commands) {
          if (c.kind === 'send') {
            const id = reqs.length;
            const payload = new Uint8Array(4);
            new DataView(payload.buffer).setUint32(0, id, true);
            const r: Req = { id, settled: [], cancel: () => {}, gone: false };
            reqs.push(r);
            const deadline = h.scheduler.now() + (c.long ? 100_000 : 20);
            r.cancel = h.conn.send(2, payload, deadline, (err, reply) => r.settled.push({ err, reply }));
          } else if (c.kind === 'cancel' && reqs.length > 0) {
            const r = reqs[c.pick % reqs.length]!;
            if (r.settled.length === 0 && !r.gone) {
              r.gone = true;
              r.cancel();
            }
          } else if (c.kind === 'reply') {
            // answer any request the node got and has not answered, including ones the client gave up on
            const open = h.received.filter((m) => !answered.has(Number(m.sequence)));
            if (open.length > 0) {
              const m = open[c.pick % open.length]!;
              answered.add(Number(m.sequence));
              const r = reqs[idOf(m)]!;
              if (r.gone || r.settled.length > 0) lateReplies++;
              h.reply(m);
            }
          } else if (c.kind === 'advance') await h.step(h.scheduler.now() + c.ms);
          await h.step(h.scheduler.now());
          // the requests the client still waits for use distinct sequences
          const waiting = reqs.filter((r) => !r.gone && r.settled.length === 0).length;
          expect(h.conn.inFlight).toBe(waiting);
          for (const r of reqs)
            if (r.settled.length === 1 && r.settled[0]!.err?.code === ErrorCode.RequestTimeout) r.gone = true;
        }
        const seqs = h.received.map((m) => Number(m.sequence));
        expect(new Set(seqs).size).toBe(seqs.length); // sequences only grow (a taken slot is skipped, never shared)
        expect(h.conn.droppedReplies).toBe(lateReplies);
        for (const r of reqs) {
          expect(r.settled.length).toBeLessThanOrEqual(1);
          const s = r.settled[0];
          if (s?.reply) expect(idOf(s.reply)).toBe(r.id);
          if (s?.err) expect(s.err.code).toBe(ErrorCode.RequestTimeout);
        }
        expect(h.conn.isOpen).toBe(true);
        h.conn.destroy();
      }),
      { numRuns: 60 },
    );
  });
});
