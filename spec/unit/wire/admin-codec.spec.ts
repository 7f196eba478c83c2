import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ErrorCode, RouterError } from '../../../lib/errors.js';
import { adminCodec } from '../../../lib/wire/admin-codec.js';
import type { AdminRequest, AdminResponse, ClusterNodeInfo } from '../../../lib/wire/admin-types.js';
import { nodeRoles, nodeStatuses } from '../../../lib/wire/admin-types.js';
import { encodeFrame } from '../../../lib/wire/encode.js';
import { FrameDecoder } from '../../../lib/wire/frame-decoder.js';
import { MessageType } from '../../../lib/wire/message.js';

/** The reference client's golden vectors (README.md beside them says how they were made). */
interface Vector {
  readonly name: string;
  readonly value: Record<string, unknown>;
  readonly payloadHex: string;
  readonly frameHex: string;
  readonly frameHexDataType: string;
}
const vectors: Vector[] = readFileSync(
  new URL('../../support/vectors/admin-list-nodes.jsonl', import.meta.url),
  'utf8',
)
  .trim()
  .split('\n')
  .map((line) => JSON.parse(line));

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');
const bytes = (h: string) => new Uint8Array(Buffer.from(h, 'hex'));
/** A u64 given as a decimal string in the vectors: a number below 2^53, else a bigint (as the codec gives). */
const u64 = (s: string) => (BigInt(s) < 2n ** 53n ? Number(s) : BigInt(s));

/** serde's externally tagged JSON → this router's values (written independently of the codec). */
function fromSerde(value: Record<string, unknown>): AdminRequest | AdminResponse {
  if ('Request' in value) {
    const admin = (value.Request as { Admin: unknown }).Admin;
    if (typeof admin === 'string') return { kind: admin } as AdminRequest;
    const [kind, fields] = Object.entries(admin as Record<string, Record<string, string | number>>)[0]!;
    if (kind === 'AddNode') return { kind, host: String(fields!.host), port: Number(fields!.port) };
    return { kind, nodeId: u64(String(fields!.node_id)) } as AdminRequest;
  }
  const response = value.Response as {
    Admin?: { NodeList: Record<string, string | number>[] };
    Error?: string;
  };
  if (response.Error !== undefined) return { kind: 'Error', message: response.Error };
  return {
    kind: 'NodeList',
    nodes: response.Admin!.NodeList.map(
      (n): ClusterNodeInfo => ({
        nodeId: u64(String(n.node_id)),
        hostname: String(n.hostname),
        port: Number(n.port),
        status: n.status as ClusterNodeInfo['status'],
        role: n.role as ClusterNodeInfo['role'],
      }),
    ),
  };
}

const frame = (type: number, payload: Uint8Array) =>
  encodeFrame({ sender: 0, recipient: 1, sequence: 7, timestamp: 1764000000000, type: type as 2, payload });

describe('adminCodec', () => {
  it('has all ten golden vectors', () => {
    expect(vectors.map((v) => v.name)).toHaveLength(10);
  });

  for (const v of vectors) {
    it(`${v.name}: decodes to its value and re-encodes to its bytes, payload and both frames`, () => {
      const expected = fromSerde(v.value);
      const isRequest = 'Request' in v.value;
      const decoded = isRequest
        ? adminCodec.decodeRequest(bytes(v.payloadHex))
        : adminCodec.decodeResponse(bytes(v.payloadHex));
      expect(decoded).toEqual(expected);
      const encoded = isRequest
        ? adminCodec.encodeRequest(decoded as AdminRequest)
        : adminCodec.encodeResponse(decoded as AdminResponse);
      expect(hex(encoded)).toBe(v.payloadHex);
      expect(hex(frame(MessageType.Admin, encoded))).toBe(v.frameHex);
      expect(hex(frame(MessageType.Data, encoded))).toBe(v.frameHexDataType);
      const [message] = new FrameDecoder().push(bytes(v.frameHexDataType));
      expect(message!.type).toBe(MessageType.Data);
      expect(hex(message!.payload)).toBe(v.payloadHex);
    });
  }

  it('keeps u64::MAX exact (a bigint) and writes it back', () => {
    const v = vectors.find((x) => x.name === 'response-node-list-max-node-id')!;
    const decoded = adminCodec.decodeResponse(bytes(v.payloadHex));
    expect(decoded).toMatchObject({ kind: 'NodeList', nodes: [{ nodeId: 18446744073709551615n }] });
  });

  it('every truncation of every vector, and every vector with a trailing byte, fails typed', () => {
    for (const v of vectors) {
      const full = bytes(v.payloadHex);
      const decode = 'Request' in v.value ? adminCodec.decodeRequest : adminCodec.decodeResponse;
      for (let n = 0; n < full.length; n++)
        expect(() => decode(full.subarray(0, n)), `${v.name} cut at ${n}`).toThrowError(
          expect.objectContaining({ code: ErrorCode.WireTruncated }),
        );
      const longer = new Uint8Array(full.length + 1);
      longer.set(full);
      expect(() => decode(longer)).toThrowError(
        expect.objectContaining({ code: ErrorCode.WireTrailingBytes }),
      );
    }
  });

  it('a huge length, an unknown variant and invalid UTF-8 fail typed without allocating', () => {
    const huge = bytes('00000000' + '00000000' + 'ffffffffffffff7f');
    expect(() => adminCodec.decodeResponse(huge)).toThrowError(/NodeList: length \d+ runs past the end/);
    expect(() => adminCodec.decodeResponse(bytes('02000000'))).toThrowError(
      expect.objectContaining({
        code: ErrorCode.WireBincode,
        message: expect.stringContaining('unknown variant 2'),
      }),
    );
    expect(() => adminCodec.decodeResponse(bytes('00000000' + '01000000'))).toThrowError(
      expect.objectContaining({
        code: ErrorCode.WireBincode,
        message: expect.stringContaining('NodeHealth'),
      }),
    );
    expect(() => adminCodec.decodeResponse(bytes('01000000' + '0200000000000000' + 'c328'))).toThrowError(
      expect.objectContaining({ code: ErrorCode.WireBincode, message: 'Error is not valid UTF-8' }),
    );
  });

  it('any bytes decode to a value or a typed RouterError, never anything else', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 80 }), (input) => {
        for (const decode of [adminCodec.decodeResponse, adminCodec.decodeRequest]) {
          try {
            decode(input);
          } catch (err) {
            expect(err).toBeInstanceOf(RouterError);
          }
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('any NodeList round-trips through bytes', () => {
    const info = fc.record({
      nodeId: fc.oneof(fc.nat(), fc.bigInt({ min: 2n ** 53n, max: 2n ** 64n - 1n })),
      hostname: fc.string({ unit: 'grapheme', maxLength: 40 }),
      port: fc.integer({ min: 0, max: 65535 }),
      status: fc.constantFrom(...nodeStatuses),
      role: fc.constantFrom(...nodeRoles),
    });
    fc.assert(
      fc.property(fc.array(info, { maxLength: 20 }), (nodes) => {
        const response: AdminResponse = { kind: 'NodeList', nodes };
        expect(adminCodec.decodeResponse(adminCodec.encodeResponse(response))).toEqual(response);
      }),
    );
  });

  it('encoding checks ranges: a port above u16 is ERR_WIRE_INTEGER_RANGE', () => {
    expect(() => adminCodec.encodeRequest({ kind: 'AddNode', host: 'h', port: 70000 })).toThrowError(
      expect.objectContaining({ code: ErrorCode.WireIntegerRange }),
    );
  });
});
