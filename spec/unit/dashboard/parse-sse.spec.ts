import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { SseParser } from '../../../lib/dashboard/parse-sse.js';

describe('SseParser', () => {
  it('parses events, multi-line data, ids, comments, retry and every line ending', () => {
    const p = new SseParser();
    const stream =
      'retry: 750\n: comment\r\nevent: health\r\ndata: {"a":1}\r\n\r\ndata: line 1\ndata: line 2\nid: 7\n\n\rdata: x\r\r\n';
    expect(p.push(stream)).toEqual([
      { event: 'health', data: '{"a":1}' },
      { event: 'message', data: 'line 1\nline 2', id: '7' },
      { event: 'message', data: 'x', id: '7' },
    ]);
    expect(p.retryMs).toBe(750);
  });

  test.prop([fc.array(fc.nat(), { maxLength: 20 })])(
    'any chunking of a stream gives the same events',
    (cuts) => {
      const stream = 'event: a\ndata: 1\n\nevent: b\r\ndata: 2\r\ndata: 3\r\n\r\n: c\n\ndata: 4\r\r\n';
      const whole = new SseParser().push(stream);
      const points = [...new Set(cuts.map((c) => c % (stream.length + 1)))].sort((a, b) => a - b);
      const parser = new SseParser();
      const parts: string[] = [];
      let last = 0;
      for (const p of [...points, stream.length]) {
        parts.push(stream.slice(last, p));
        last = p;
      }
      expect(parts.flatMap((part) => parser.push(part))).toEqual(whole);
      expect(whole).toHaveLength(3);
    },
  );
});
