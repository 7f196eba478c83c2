import { describe, expect, it } from 'vitest';
import { serverMaxMessageBytes } from '../../../lib/testing/server-max-message-bytes.js';

describe('serverMaxMessageBytes', () => {
  it('1 MiB by default; the reference rule allows a length prefix of 1,048,576 (a message of 1 MiB − 1)', () => {
    expect(serverMaxMessageBytes({})).toBe(1_048_576);
    expect(serverMaxMessageBytes({ referenceFrameLimit: true })).toBe(1_048_575);
    expect(serverMaxMessageBytes({ maxMessageBytes: 4096 })).toBe(4096);
  });

  it('with both, the smaller limit applies', () => {
    expect(serverMaxMessageBytes({ maxMessageBytes: 4096, referenceFrameLimit: true })).toBe(4096);
    expect(serverMaxMessageBytes({ maxMessageBytes: 8 * 1024 * 1024, referenceFrameLimit: true })).toBe(
      1_048_575,
    );
  });
});
