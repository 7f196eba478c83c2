import { lastValueFrom, VirtualTimeScheduler } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { ErrorCode } from '../../../lib/errors.js';
import { advanceTo } from '../../../lib/testing/advance-to.js';
import { memoryConnector } from '../../../lib/testing/memory-connector.js';
import { Connection } from '../../../lib/transport/connection.js';
import { MessageType } from '../../../lib/wire/message.js';

const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('memoryConnector', () => {
  it('connects the real Connection; the responder echoes after latencyMs of scheduler time', async () => {
    const scheduler = new VirtualTimeScheduler();
    const memory = memoryConnector({ scheduler, latencyMs: () => 25, record: true });
    const conn = await memory.connect(2);
    expect(conn).toBeInstanceOf(Connection);
    let reply: Uint8Array | undefined;
    conn.request$(new Uint8Array([1, 2])).subscribe((m) => (reply = m.payload));
    let pong: number | undefined;
    conn.ping$().subscribe((m) => (pong = m.type));
    await settle();
    advanceTo(scheduler, 24);
    expect(reply).toBeUndefined();
    advanceTo(scheduler, 25);
    expect([...reply!]).toEqual([1, 2]);
    expect(pong).toBe(MessageType.Pong);
    expect(conn.requests).toBe(2);
    expect(conn.received.map((m) => m.type)).toEqual([MessageType.Data, MessageType.Ping]);
    expect(memory.opened).toEqual([conn]);
  });

  it('refuses, takes connectMs, and gives up a connect when aborted (its timer gone)', async () => {
    const scheduler = new VirtualTimeScheduler();
    const memory = memoryConnector({ scheduler, refuse: (id) => id === 1, connectMs: () => 100 });
    await expect(memory.connect(1)).rejects.toMatchObject({
      code: ErrorCode.ConnectRefused,
      retryable: true,
    });
    const abort = new AbortController();
    const pending = memory.connect(2, abort.signal);
    abort.abort();
    await expect(pending).rejects.toMatchObject({ code: ErrorCode.PoolClosed });
    expect(scheduler.actions).toHaveLength(0);
    const slow = memory.connect(3);
    advanceTo(scheduler, 100);
    expect((await slow).nodeId).toBe(3);
  });

  it('a custom responder can answer wrongly or not at all; drop() loses the socket', async () => {
    const scheduler = new VirtualTimeScheduler();
    const memory = memoryConnector({
      scheduler,
      respond: (m) =>
        m.payload[0] === 1 ? { type: MessageType.Pong, payload: new Uint8Array(0) } : undefined,
    });
    const conn = await memory.connect(1);
    const wrong = lastValueFrom(conn.request$(new Uint8Array([1])));
    await settle();
    advanceTo(scheduler, 1);
    await expect(wrong).rejects.toMatchObject({ code: ErrorCode.Protocol });
    expect(await conn.closed).toBe('corrupt');
    const other = await memory.connect(1);
    const silent = lastValueFrom(other.request$(new Uint8Array([2]), MessageType.Data, 10_000));
    await settle();
    advanceTo(scheduler, 50);
    other.drop();
    advanceTo(scheduler, 51);
    await expect(silent).rejects.toMatchObject({ code: ErrorCode.ConnectionLost });
    expect(await other.closed).toBe('lost');
    expect(other.closeReason).toBe('lost');
  });
});
