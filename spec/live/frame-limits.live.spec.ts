import net from 'node:net';
import { filter, firstValueFrom } from 'rxjs';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { ErrorCode } from '../../lib/errors.js';
import { createRouter } from '../../lib/router/router.js';
import type { RouterEvent } from '../../lib/router/router-event.js';
import { TestServer } from '../../lib/testing/test-server.js';
import type { WebSocketConstructor } from '../../lib/transport/connect-websocket.js';
import { encodeFrame } from '../../lib/wire/encode.js';
import { MessageType } from '../../lib/wire/message.js';
import { RawClient, text } from '../support/raw-client.js';

const cleanup: Array<() => Promise<unknown> | unknown> = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

const MiB = 1024 * 1024;
const huge = new Uint8Array(48 * MiB);

/**
 * The `ws` package's WebSocket, unchanged but for a record of its TCP sockets: a socket's `bytesRead` is every
 * byte the client took from the kernel, so nothing it did not read can have been buffered.
 */
function countingWebSocket(sockets: net.Socket[]): WebSocketConstructor {
  return class extends WebSocket {
    constructor(url: string, protocols?: string | string[], options?: WebSocket.ClientOptions) {
      super(url, protocols, {
        ...options,
        createConnection: (o: object) => {
          const socket = net.connect(o as net.NetConnectOpts);
          sockets.push(socket);
          return socket;
        },
      });
    }
  } as unknown as WebSocketConstructor;
}

describe('frame limits over ws://: maxPayload is the decoder limit', () => {
  it('a 48 MiB WebSocket reply is refused before 2 MiB is read, typed; the other nodes keep serving', async () => {
    // Every node answers 'huge' with 48 MiB (so whichever node is picked, the reply is refused) and echoes the rest.
    const servers = await Promise.all(
      [1, 2, 3].map((nodeId) =>
        TestServer.start({
          websocket: true,
          nodeId,
          handler: (m) => (text(m) === 'huge' ? huge : m.payload),
        }),
      ),
    );
    cleanup.push(() => Promise.all(servers.map((s) => s.stop())));
    const sockets: net.Socket[] = [];
    const router = createRouter({
      hosts: servers.map((s) => s.wsUrl),
      WebSocket: countingWebSocket(sockets),
      timeoutMs: 10_000,
    });
    cleanup.push(() => router.close());
    const events: RouterEvent[] = [];
    const sub = router.events$.subscribe((e) => events.push(e));
    cleanup.push(() => sub.unsubscribe());
    await firstValueFrom(router.eligible$.pipe(filter((e) => e.length === 3)));

    for (let round = 0; round < 3; round++) {
      // idempotent: false — one attempt, so the caller sees the refusal itself (not a retry's outcome)
      const refused = router.request('huge', { idempotent: false }).then(
        () => 'served',
        (e: { code: string }) => e.code,
      );
      const others = Promise.all(Array.from({ length: 50 }, (_, i) => router.request(`r${round}.${i}`)));
      expect(await refused).toBe(ErrorCode.WireFrameTooLarge);
      expect((await others).map(text)).toEqual(Array.from({ length: 50 }, (_, i) => `r${round}.${i}`));
    }
    const closedTooLarge = events.filter(
      (e) => e.type === 'connectionClosed' && JSON.stringify(e).includes('TOO_LARGE'),
    );
    expect(sockets.length).toBeGreaterThanOrEqual(4); // three nodes, and new connections after the refusals
    const read = sockets.map((s) => s.bytesRead);
    expect(Math.max(...read), `bytes read per client socket: ${read.join(', ')}`).toBeLessThan(2 * MiB);
    expect(closedTooLarge.length + sockets.filter((s) => s.destroyed).length).toBeGreaterThan(0);
    // the cluster still serves, with every node eligible
    const after = await Promise.all(Array.from({ length: 60 }, (_, i) => router.request(`after ${i}`)));
    expect(after).toHaveLength(60);
    await firstValueFrom(router.eligible$.pipe(filter((e) => e.length === 3)));
  });
});

/** Payload bytes of a message of `messageBytes` (48 bytes of header and checksum). */
const payloadOf = (messageBytes: number) => new Uint8Array(messageBytes - 48).fill(0x61);

describe("the reference reader's frame limit: a length prefix (flag + message) of at most 1,048,576", () => {
  it('a reference-rule TestServer serves a message of 1 MiB − 1 and closes on one of 1 MiB, before its body', async () => {
    const server = await TestServer.start({ referenceFrameLimit: true });
    cleanup.push(() => server.stop());
    const frame = (messageBytes: number, sequence: number) =>
      encodeFrame(
        {
          sender: 0,
          recipient: 1,
          sequence,
          timestamp: 0,
          type: MessageType.Data,
          payload: payloadOf(messageBytes),
        },
        { maxMessageBytes: 2 * MiB },
      );
    const ok = await RawClient.connect(server.address);
    cleanup.push(() => ok.close());
    ok.socket.write(frame(MiB - 1, 1));
    const [reply] = await ok.waitFor(1, 20_000);
    expect(reply!.payload.length).toBe(MiB - 1 - 48);
    const refused = await RawClient.connect(server.address);
    cleanup.push(() => refused.close());
    refused.socket.write(frame(MiB, 1).subarray(0, 5)); // the length prefix alone is enough to refuse it
    await refused.waitClosed(20_000);
    expect(server.badInputCount).toBe(1);
  });

  it('by default the router sends 1 MiB − 1 and refuses 1 MiB alone: typed, not retried, no node harmed', async () => {
    const servers = await Promise.all(
      [1, 2, 3].map((nodeId) => TestServer.start({ nodeId, referenceFrameLimit: true })),
    );
    cleanup.push(() => Promise.all(servers.map((s) => s.stop())));
    const router = createRouter({ hosts: servers.map((s) => s.address), timeoutMs: 20_000 });
    cleanup.push(() => router.close());
    const events: RouterEvent[] = [];
    const sub = router.events$.subscribe((e) => events.push(e));
    cleanup.push(() => sub.unsubscribe());
    await firstValueFrom(router.eligible$.pipe(filter((e) => e.length === 3)));

    const largest = await router.request(payloadOf(MiB - 1));
    expect(largest.payload.length).toBe(MiB - 1 - 48);
    const before = servers.map((s) => s.requestCount);
    const others = Promise.all(Array.from({ length: 30 }, (_, i) => router.request(`o${i}`)));
    const error = await router.request(payloadOf(MiB)).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toMatchObject({ code: ErrorCode.WireFrameTooLarge, retryable: false });
    expect(String((error as Error).message)).toContain('1048576');
    expect((await others).map(text)).toEqual(Array.from({ length: 30 }, (_, i) => `o${i}`));
    // nothing reached a node: no bad input, no connection lost, every node still up
    expect(servers.map((s) => s.badInputCount)).toEqual([0, 0, 0]);
    expect(servers.reduce((a, s, i) => a + s.requestCount - before[i]!, 0)).toBe(30);
    expect(events.filter((e) => e.type === 'connectionClosed' || e.type === 'retryScheduled')).toEqual([]);
    const health = await firstValueFrom(router.health$);
    expect([...health.nodes.values()].map((n) => n.status)).toEqual(['up', 'up', 'up']);
  });
});
