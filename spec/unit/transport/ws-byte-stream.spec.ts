import { describe, expect, it } from 'vitest';
import { ErrorCode, type RouterError } from '../../../lib/errors.js';
import { type WebSocketLike, WsByteStream } from '../../../lib/transport/ws-byte-stream.js';

/** A WebSocket as the stream sees it: the test fires its handlers. */
function fakeSocket(withTerminate: boolean) {
  const calls: string[] = [];
  const ws: WebSocketLike = {
    binaryType: 'blob',
    bufferedAmount: 0,
    readyState: 1,
    onopen: null,
    onmessage: null,
    onclose: null,
    onerror: null,
    send: () => calls.push('send'),
    close: (code?: number) => calls.push(`close ${code}`),
    ...(withTerminate ? { terminate: () => calls.push('terminate') } : {}),
  };
  return { ws, calls };
}

function listen(stream: WsByteStream) {
  const seen: { data: number[]; errors: RouterError[]; closes: number } = { data: [], errors: [], closes: 0 };
  stream.on('data', (chunk: Uint8Array) => seen.data.push(chunk.length));
  stream.on('error', (e: RouterError) => seen.errors.push(e));
  stream.on('close', () => seen.closes++);
  return seen;
}

describe('WsByteStream frame limit', () => {
  it('passes a message of exactly maxFrameBytes; one byte more closes the stream typed, once (browser path)', () => {
    const { ws, calls } = fakeSocket(false);
    const seen = listen(new WsByteStream(ws, 'ws://n:1/', 105));
    ws.onmessage?.({ data: new ArrayBuffer(105) });
    expect(seen.data).toEqual([105]);
    ws.onmessage?.({ data: new ArrayBuffer(106) });
    ws.onmessage?.({ data: new ArrayBuffer(10) }); // nothing after the refusal
    ws.onclose?.({ code: 1006, reason: '' });
    expect(seen.data).toEqual([105]);
    expect(seen.closes).toBe(1);
    expect(seen.errors).toHaveLength(1);
    expect(seen.errors[0]).toMatchObject({ code: ErrorCode.WireFrameTooLarge, retryable: true });
    expect(seen.errors[0]!.message).toContain('ws://n:1/');
    expect(seen.errors[0]!.message).toContain('106 bytes');
    expect(calls).toEqual(['close 1000']);
  });

  it("the ws package's maxPayload error ends the stream at once: terminated, typed, no 1009 handshake wait", () => {
    const { ws, calls } = fakeSocket(true);
    const seen = listen(new WsByteStream(ws, 'ws://n:1/', 105));
    const error = Object.assign(new RangeError('Max payload size exceeded'), {
      code: 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH',
    });
    ws.onerror?.({ error, message: error.message });
    expect(calls).toEqual(['terminate']);
    expect(seen.errors.map((e) => e.code)).toEqual([ErrorCode.WireFrameTooLarge]);
    expect(seen.closes).toBe(1);
  });

  it('other errors wait for the close event (its code decides the error)', () => {
    const { ws } = fakeSocket(true);
    const seen = listen(new WsByteStream(ws, 'ws://n:1/', 105));
    ws.onerror?.({ error: new Error('ECONNRESET'), message: 'ECONNRESET' });
    expect(seen.closes).toBe(0);
    ws.onclose?.({ code: 1006, reason: '' });
    expect(seen.errors.map((e) => e.code)).toEqual([ErrorCode.ConnectionLost]);
  });
});
