import { lastValueFrom } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { ErrorCode, RemoteError, type RouterError } from '../../../lib/errors.js';
import { errorPayload } from '../../../lib/wire/error-payload.js';
import { FrameDecoder } from '../../../lib/wire/frame-decoder.js';
import { type Message, MessageType } from '../../../lib/wire/message.js';
import { setup } from './connection-harness.js';

const bytes = (n: number, fill = 1) => new Uint8Array(n).fill(fill);

describe('Connection: the write path', () => {
  it('writes each frame exactly once when write() returns false (Node has queued it already)', async () => {
    const { client, conn, received, send, step } = setup({}, 100);
    for (let i = 0; i < 5; i++) send(bytes(16 * 1024, i));
    await step(0);
    await step(1);
    expect(received.map((m) => m.sequence)).toEqual([1, 2, 3, 4, 5]);
    expect(client.written).toHaveLength(5);
    expect(conn.bufferedBytes).toBe(0);
  });

  it('never writes a frame whose request was cancelled before it was written', async () => {
    const { server, conn, received, send, step, outcomes } = setup({}, 100);
    send(bytes(10, 1));
    const cancelB = send(bytes(10, 2));
    cancelB(); // same tick: b never leaves the process
    await step(0);
    expect(received.map((m) => m.payload[0])).toEqual([1]);
    server.pause(); // the node stops reading: the next frame fills the buffer, the ones after wait in the queue
    send(bytes(200, 3));
    await step(1);
    const cancelD = send(bytes(10, 4));
    send(bytes(10, 5));
    await step(2);
    cancelD();
    server.resume();
    await step(3);
    expect(received.map((m) => m.payload[0])).toEqual([1, 3, 5]);
    expect(outcomes).toEqual([]); // a cancelled request is not told anything
    expect(conn.inFlight).toBe(3);
  });

  it('50,000 subscribe-then-unsubscribe pairs in one tick put nothing on the wire', async () => {
    const { client, conn, step } = setup({ maxInFlight: 100_000 });
    for (let i = 0; i < 50_000; i++)
      conn
        .request$(bytes(8, 1))
        .subscribe({ error: () => {} })
        .unsubscribe();
    const kept = Array.from({ length: 10 }, () => conn.request$(bytes(8, 2)).subscribe({ error: () => {} }));
    await step(0);
    const decoded = new FrameDecoder().push(concat(client.written));
    expect(decoded.map((m) => m.payload[0])).toEqual(Array(10).fill(2));
    expect(conn.inFlight).toBe(10);
    for (const k of kept) k.unsubscribe();
  });

  it('bounds buffered bytes: over maxBufferedBytes a request fails retryably as not sent', async () => {
    const { server, conn, send, step, outcomes } = setup({ maxBufferedBytes: 1000 }, 100);
    server.pause();
    for (let i = 0; i < 10; i++) {
      send(bytes(200));
      expect(conn.bufferedBytes).toBeLessThanOrEqual(1000);
    }
    await step(1);
    const failed = outcomes.filter((o) => o.err?.code === ErrorCode.Backpressure);
    expect(failed.length).toBeGreaterThan(0);
    expect(failed.every((o) => o.err!.retryable)).toBe(true);
    expect(conn.bufferedBytes).toBeLessThanOrEqual(1000);
    // one frame larger than the bound still goes through on an empty connection
    const big = setup({ maxBufferedBytes: 1000 });
    big.send(bytes(5000));
    await big.step(0);
    expect(big.received).toHaveLength(1);
  });

  it('evacuate() fails only the requests not yet written', async () => {
    const { server, conn, send, step, outcomes, received } = setup({}, 100);
    server.pause();
    send(bytes(200, 1));
    await step(0);
    send(bytes(10, 2));
    send(bytes(10, 3));
    const err = { code: 'ERR_TEST' } as RouterError;
    conn.evacuate(err);
    expect(outcomes.map((o) => o.err)).toEqual([err, err]);
    server.resume();
    await step(1);
    expect(received.map((m) => m.payload[0])).toEqual([1]);
    expect(conn.inFlight).toBe(1);
  });
});

describe('Connection: bad payloads fail only their own request', () => {
  it('too large, null, a number, an object: a typed error, nothing written, the connection keeps working', async () => {
    const { conn, send, received, reply, step, outcomes } = setup({ maxMessageBytes: 1024 });
    expect(() => send(bytes(2000))).not.toThrow();
    for (const bad of [null, 42, {}, undefined, [1, 2]]) {
      expect(() =>
        conn.send(MessageType.Data, bad as never, 1000, (e) => outcomes.push({ err: e, at: 0 })),
      ).not.toThrow();
    }
    expect(outcomes.map((o) => o.err?.code)).toEqual([
      ErrorCode.WireFrameTooLarge,
      ...Array(5).fill(ErrorCode.InvalidPayload),
    ]);
    expect(outcomes.every((o) => o.err!.retryable === false)).toBe(true);
    const ok = lastValueFrom(conn.request$(new Uint16Array([0x0102, 0x0304])));
    await step(0);
    expect(received).toHaveLength(1);
    expect([...received[0]!.payload]).toEqual([...new Uint8Array(new Uint16Array([0x0102, 0x0304]).buffer)]);
    reply(received[0]!);
    await step(1);
    expect((await ok).payload).toHaveLength(4);
    await expect(lastValueFrom(conn.request$(null))).rejects.toMatchObject({
      code: ErrorCode.InvalidPayload,
    });
    expect(conn.isOpen).toBe(true);
  });

  it('a DataView and a Buffer slice send exactly the bytes they cover', async () => {
    const { conn, received, step } = setup();
    const backing = new Uint8Array([9, 9, 1, 2, 3, 9]).buffer;
    conn.request$(new DataView(backing, 2, 3)).subscribe({ error: () => {} });
    conn.request$(Buffer.from([7, 8, 9, 10]).subarray(1, 3)).subscribe({ error: () => {} });
    conn.request$('héllo').subscribe({ error: () => {} });
    await step(0);
    expect(received.map((m) => [...m.payload])).toEqual([[1, 2, 3], [8, 9], [...Buffer.from('héllo')]]);
  });
});

describe('Connection: replies are validated', () => {
  it('a Pong to a Data request closes the connection as corrupt; every request fails retryably', async () => {
    const { conn, send, received, reply, step, outcomes } = setup();
    send(bytes(1));
    send(bytes(2));
    await step(0);
    reply(received[0]!, { type: MessageType.Pong });
    await step(1);
    expect(outcomes.map((o) => o.err?.code)).toEqual([ErrorCode.Protocol, ErrorCode.Protocol]);
    expect(outcomes.every((o) => o.err!.retryable)).toBe(true);
    await step(2);
    expect(await conn.closed).toBe('corrupt');
  });

  it("reports 'corrupt' whatever the number in flight, even when a callback destroys the connection", async () => {
    const { conn, received, reply, step } = setup();
    for (let i = 0; i < 8; i++) conn.send(MessageType.Data, bytes(1), 10_000, () => conn.destroy());
    await step(0);
    reply(received[3]!, { sequence: 999 });
    await step(1);
    expect(await conn.closed).toBe('corrupt');
  });

  it.each([
    [
      'an Error payload that is not the documented JSON',
      (_m: Message) => ({ type: MessageType.Error, payload: bytes(3, 65) }),
    ],
    [
      'an Error payload missing retryable',
      (_m: Message) => ({ type: MessageType.Error, payload: Buffer.from('{"code":"X","message":"m"}') }),
    ],
    ['a sequence never issued', (m: Message) => ({ sequence: Number(m.sequence) + 100 })],
    ['a bigint sequence', () => ({ sequence: 2n ** 60n })],
    ['a Heartbeat answering Data', () => ({ type: MessageType.Heartbeat })],
  ])('%s: corrupt, ERR_PROTOCOL', async (_name, patch) => {
    const { conn, send, received, reply, step, outcomes } = setup();
    send(bytes(1));
    await step(0);
    reply(received[0]!, patch(received[0]!) as Partial<Message>);
    await step(1);
    expect(outcomes[0]!.err).toMatchObject({ code: ErrorCode.Protocol, retryable: true });
    expect(await conn.closed).toBe('corrupt');
  });

  it('a duplicate reply is corrupt; a late reply to a cancelled or timed-out request is dropped and counted', async () => {
    const { conn, send, received, reply, step, outcomes } = setup();
    const cancel = send(bytes(1));
    send(bytes(2), 50);
    send(bytes(3));
    await step(0);
    cancel();
    await step(50); // the second times out
    reply(received[0]!);
    reply(received[1]!);
    await step(60);
    expect(conn.droppedReplies).toBe(2);
    expect(conn.isOpen).toBe(true);
    reply(received[2]!);
    await step(70);
    expect(outcomes.map((o) => o.err?.code ?? 'ok')).toEqual([ErrorCode.RequestTimeout, 'ok']);
    reply(received[2]!); // again
    await step(80);
    expect(await conn.closed).toBe('corrupt');
  });

  it('accepts the documented answers: Pong or Error to Ping; Data, Ack or Error to Data', async () => {
    const { conn, send, received, reply, step, outcomes } = setup();
    send(new Uint8Array(0), 1000, MessageType.Ping);
    send(new Uint8Array(0), 1000, MessageType.Ping);
    send(bytes(1));
    send(bytes(1));
    send(bytes(1));
    await step(0);
    const error = errorPayload.encode({ code: 'BUSY', message: 'later', retryable: true });
    reply(received[0]!);
    reply(received[1]!, { type: MessageType.Error, payload: error });
    reply(received[2]!);
    reply(received[3]!, { type: MessageType.Ack, payload: new Uint8Array(0) });
    reply(received[4]!, { type: MessageType.Error, payload: error });
    await step(1);
    expect(outcomes.map((o) => o.reply?.type ?? o.err?.code)).toEqual([
      MessageType.Pong,
      ErrorCode.Remote,
      MessageType.Data,
      MessageType.Ack,
      ErrorCode.Remote,
    ]);
    expect(outcomes[1]!.err).toBeInstanceOf(RemoteError);
    expect(outcomes[1]!.err!.retryable).toBe(true);
    expect(conn.isOpen).toBe(true);
  });
});

describe('Connection: time comes from the scheduler', () => {
  it('each request times out at its own deadline, unwritten frames are then never written', async () => {
    const { server, conn, send, step, outcomes, received, scheduler } = setup({}, 100);
    send(bytes(10, 1), 100);
    send(bytes(10, 2), 50);
    await step(0);
    server.pause();
    send(bytes(200, 3), 80);
    await step(1);
    send(bytes(10, 4), 70); // queued behind backpressure
    await step(49);
    expect(outcomes).toEqual([]);
    await step(50);
    expect(outcomes.map((o) => [o.err?.code, o.at])).toEqual([[ErrorCode.RequestTimeout, 50]]);
    await step(70);
    await step(80);
    await step(100);
    expect(outcomes.map((o) => o.at)).toEqual([50, 70, 80, 100]);
    server.resume();
    await step(101);
    expect(received.map((m) => m.payload[0])).toEqual([1, 2, 3]);
    expect(conn.inFlight).toBe(0);
    expect(scheduler.actions).toHaveLength(0); // no timer left behind
  });

  it('a deadline already past (or NaN) fails at once, nothing written', async () => {
    const { send, step, outcomes, received } = setup();
    await step(10);
    send(bytes(1), 10);
    send(bytes(1), Number.NaN);
    expect(outcomes.map((o) => o.err?.code)).toEqual([ErrorCode.RequestTimeout, ErrorCode.RequestTimeout]);
    await step(11);
    expect(received).toHaveLength(0);
  });

  it('close() drains for drainTimeoutMs of scheduler time, then destroys', async () => {
    const { conn, send, step, outcomes } = setup({ drainTimeoutMs: 300 });
    send(bytes(1));
    await step(0);
    const closed = conn.close();
    await step(299);
    expect(outcomes).toEqual([]);
    await step(300);
    expect(outcomes[0]!.err).toMatchObject({ code: ErrorCode.ConnectionClosed });
    await step(301);
    expect(await closed).toBe('closed');
  });

  it('wire timestamps come from the wall clock in whole ms; lastUsedAt and deadlines are scheduler time', async () => {
    const wall = [1_764_000_000_123.9, 1_764_000_000_050.2]; // a wall clock that steps back between sends
    const { conn, send, step, received, outcomes, reply } = setup({ wallClock: () => wall.shift()! });
    await step(1234);
    send(bytes(1), 1234 + 100);
    send(bytes(2), 1234 + 100);
    await step(1234);
    expect(received.map((m) => m.timestamp)).toEqual([1_764_000_000_123, 1_764_000_000_050]);
    expect(conn.lastUsedAt).toBe(1234);
    expect(conn.createdAt).toBe(0);
    reply(received[0]!);
    await step(1334);
    expect(outcomes.map((o) => [o.at, o.err?.code])).toEqual([
      [1234, undefined],
      [1334, ErrorCode.RequestTimeout],
    ]);
  });

  it('a scheduler with a fractional now() (virtual time advanced by 3.1 ms): every request is sent and answered', async () => {
    const { send, step, received, outcomes, reply } = setup({ wallClock: () => 1_764_000_000_000.75 });
    for (let i = 1; i <= 20; i++) {
      await step(i * 3.1);
      send(bytes(i), i * 3.1 + 10);
      await step(i * 3.1);
      reply(received.at(-1)!);
    }
    await step(100);
    expect(outcomes).toHaveLength(20);
    expect(outcomes.filter((o) => o.err)).toEqual([]);
    expect(new Set(received.map((m) => m.timestamp))).toEqual(new Set([1_764_000_000_000]));
  });

  it('a wall clock that returns garbage still sends (timestamp 0), never ERR_WIRE_INTEGER_RANGE', async () => {
    const { send, step, received, outcomes, reply } = setup({ wallClock: () => Number.NaN });
    send(bytes(1));
    await step(0);
    reply(received[0]!);
    await step(1);
    expect(received[0]!.timestamp).toBe(0);
    expect(outcomes[0]!.err).toBeUndefined();
  });
});

function concat(chunks: Uint8Array[]): Uint8Array {
  return Uint8Array.from(Buffer.concat(chunks));
}

describe('Connection: one reserved slot for a probe (Ping)', () => {
  it('at its in-flight bound a Ping still goes out; a second Ping and further requests are refused; a Ping never takes a request slot', async () => {
    const { send, step, received, outcomes, reply } = setup({ maxInFlight: 1 });
    send(bytes(1)); // the request slot
    send(new Uint8Array(0), 10_000, MessageType.Ping); // the probe slot
    send(new Uint8Array(0), 10_000, MessageType.Ping);
    send(bytes(2));
    await step(0);
    expect(received.map((m) => m.type)).toEqual([MessageType.Data, MessageType.Ping]);
    expect(outcomes.map((o) => o.err?.code)).toEqual([ErrorCode.TooManyInFlight, ErrorCode.TooManyInFlight]);
    reply(received[0]!); // the request slot frees; the Ping is still out
    await step(1);
    send(bytes(3));
    await step(1);
    expect(received.map((m) => m.type)).toEqual([MessageType.Data, MessageType.Ping, MessageType.Data]);
    reply(received[1]!);
    reply(received[2]!);
    await step(2);
    expect(outcomes.map((o) => o.err?.code)).toEqual([
      ErrorCode.TooManyInFlight,
      ErrorCode.TooManyInFlight,
      undefined,
      undefined,
      undefined,
    ]);
  });
});
