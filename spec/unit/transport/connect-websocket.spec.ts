import { fc, test } from '@fast-check/vitest';
import { ws } from 'msw';
import { setupServer } from 'msw/node';
import { lastValueFrom } from 'rxjs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ErrorCode } from '../../../lib/errors.js';
import { validateConfig } from '../../../lib/router/validate-config.js';
import { connectWebSocket, type WebSocketConstructor } from '../../../lib/transport/connect-websocket.js';
import { Connection } from '../../../lib/transport/connection.js';
import { protocolPriority, rankAddresses } from '../../../lib/transport/rank-addresses.js';
import type { Protocol } from '../../../lib/types.js';
import { encodeFrame } from '../../../lib/wire/encode.js';
import { FrameDecoder } from '../../../lib/wire/frame-decoder.js';
import type { Message, MessageType } from '../../../lib/wire/message.js';

const node = ws.link('ws://node.test:7000/');
const server = setupServer();
beforeAll(() => server.listen());
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

const address = validateConfig({ hosts: ['ws://node.test:7000'] }).addresses[0]!;
const text = (m: Message) => new TextDecoder().decode(m.payload);
async function bytes(data: unknown): Promise<Uint8Array> {
  if (data instanceof Blob) return new Uint8Array(await data.arrayBuffer());
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  return new Uint8Array(data as ArrayBufferLike);
}
const reply = (request: Message, payload: Uint8Array, type: MessageType = request.type) =>
  encodeFrame({ sender: 1, recipient: 0, sequence: request.sequence, timestamp: 0, type, payload });

/** A mocked node: replies to every frame with `answer(request)` (echo by default), after `delay(request)` ms. */
function mockNode(answer?: (m: Message) => Uint8Array, delay: (m: Message) => number = () => 0) {
  server.use(
    node.addEventListener('connection', ({ client }) => {
      const decoder = new FrameDecoder();
      client.addEventListener('message', async (event) => {
        for (const m of decoder.push(await bytes(event.data))) {
          setTimeout(() => client.send(answer ? answer(m) : reply(m, m.payload)), delay(m));
        }
      });
    }),
  );
}

async function open() {
  const conn = new Connection(await connectWebSocket(address, { timeoutMs: 2000 }), 1, {
    requestTimeoutMs: 2000,
  });
  return conn;
}

describe('WebSocket connector (against msw ws.link mocks)', () => {
  it('connects and round-trips one frame per binary message', async () => {
    mockNode();
    const conn = await open();
    expect(text(await lastValueFrom(conn.request$(new TextEncoder().encode('over ws'))))).toBe('over ws');
    conn.destroy();
  });

  it('pipelines many requests on one socket, matched by sequence even when replies come out of order', async () => {
    mockNode(undefined, (m) => (Number(m.sequence) % 3) * 15);
    const conn = await open();
    const payloads = Array.from({ length: 30 }, (_, i) => `p${i}`);
    const replies = await Promise.all(
      payloads.map((p) => lastValueFrom(conn.request$(new TextEncoder().encode(p)))),
    );
    expect(replies.map(text)).toEqual(payloads);
    conn.destroy();
  });

  it.each([
    [1011, ErrorCode.ConnectionLost, true],
    [1001, ErrorCode.ConnectionLost, true],
    [1008, ErrorCode.WebSocketClosed, false],
    [4000, ErrorCode.WebSocketClosed, false],
  ])(
    'a server close with code %i fails requests in flight with %s (retryable %s)',
    async (code, errorCode, retryable) => {
      server.use(
        node.addEventListener('connection', ({ client }) => {
          client.addEventListener('message', () => client.close(code, 'test'));
        }),
      );
      const conn = await open();
      await expect(lastValueFrom(conn.request$(new Uint8Array(1)))).rejects.toMatchObject({
        code: errorCode,
        retryable,
      });
      expect(await conn.closed).toBe('lost');
    },
  );

  it('garbage frames close the connection with the codec error, retryable', async () => {
    mockNode(() => Uint8Array.of(0, 0, 0, 9, 7, 7, 7, 7, 7, 7, 7, 7, 7));
    const conn = await open();
    await expect(lastValueFrom(conn.ping$())).rejects.toMatchObject({
      code: ErrorCode.WireUnknownFlag,
      retryable: true,
    });
    expect(await conn.closed).toBe('corrupt');
  });

  it('opens the WebSocket with maxPayload = maxMessageBytes + 5 (the ws package refuses a larger message at its header)', async () => {
    const seen: unknown[][] = [];
    const Fake = class {
      binaryType = 'blob';
      bufferedAmount = 0;
      readyState = 0;
      onopen: ((e: unknown) => void) | null = null;
      onmessage = null;
      onclose = null;
      onerror = null;
      constructor(...args: unknown[]) {
        seen.push(args);
        setTimeout(() => this.onopen?.({}), 0);
      }
      send() {}
      close() {}
    };
    const WebSocket = Fake as unknown as WebSocketConstructor;
    await connectWebSocket(address, { WebSocket, timeoutMs: 2000 });
    await connectWebSocket(address, { WebSocket, timeoutMs: 2000, maxMessageBytes: 1000 });
    expect(seen).toEqual([
      ['ws://node.test:7000/', undefined, { maxPayload: 1024 * 1024 - 1 + 5 }],
      ['ws://node.test:7000/', undefined, { maxPayload: 1005 }],
    ]);
  });

  it('a message over the frame limit (maxMessageBytes + 5) fails the connection with ERR_WIRE_FRAME_TOO_LARGE', async () => {
    // msw's WebSocket is the browser's API (no maxPayload): the stream refuses the message on arrival
    mockNode((m) => (m.payload.length === 1 ? new Uint8Array(1000 + 6) : reply(m, m.payload)));
    const conn = new Connection(
      await connectWebSocket(address, { timeoutMs: 2000, maxMessageBytes: 1000 }),
      1,
      { requestTimeoutMs: 2000, maxMessageBytes: 1000 },
    );
    expect(text(await lastValueFrom(conn.request$(new Uint8Array(995 - 48))))).toHaveLength(995 - 48);
    await expect(lastValueFrom(conn.request$(new Uint8Array(1)))).rejects.toMatchObject({
      code: ErrorCode.WireFrameTooLarge,
    });
    expect(await conn.closed).not.toBe('open');
  });
});

describe('protocol selection', () => {
  const all: Protocol[] = ['tcp', 'tls', 'ws', 'wss'];
  test.prop([fc.subarray(all, { minLength: 1 }), fc.subarray(all, { minLength: 1 })])(
    'the highest-priority mutually supported protocol always wins; the rest follow in priority order',
    (offered, supported) => {
      const hosts = offered.map((p, i) => `${p}://h${i}.test:${7000 + i}`);
      const parsed = validateConfig({ hosts }).addresses.map((a) => ({ ...a, id: 1 }));
      const ranked = rankAddresses(parsed, supported).map((a) => a.protocol);
      const mutual = offered.filter((p) => supported.includes(p));
      expect(ranked.sort()).toEqual([...mutual].sort());
      const ordered = rankAddresses(parsed, supported).map((a) => a.protocol);
      if (mutual.length > 0) {
        const best = protocolPriority.find((p) => mutual.includes(p));
        expect(ordered[0]).toBe(best);
      }
      for (let i = 1; i < ordered.length; i++) {
        expect(protocolPriority.indexOf(ordered[i - 1]!)).toBeLessThan(protocolPriority.indexOf(ordered[i]!));
      }
    },
  );

  it('a node with several addresses gets them ranked TLS > TCP > WebSocket', () => {
    const [a] = validateConfig({ hosts: [['ws://n:8080/qdb', 'n:7000', 'tls://n:7443']] }).addresses;
    expect(a!.alternatives.map((x) => x.label)).toEqual(['tls://n:7443', 'n:7000', 'ws://n:8080/qdb']);
    expect(a!.protocol).toBe('tls');
  });
});
