import { describe, expect, it } from 'vitest';
import { parseFeed } from '../../../lib/dashboard/feed-events.js';

describe('parseFeed', () => {
  it('takes each message of the expected shape', () => {
    expect(parseFeed('history', '[]')).toEqual([]);
    expect(parseFeed('markers', '[{"at":1,"kind":"fault","text":"x"}]')).toHaveLength(1);
    expect(parseFeed('marker', '{"at":1,"kind":"fault","text":"kill"}')).toMatchObject({ text: 'kill' });
    expect(parseFeed('info', '{"rules":["a"],"allowControl":false}')).toMatchObject({ rules: ['a'] });
    expect(parseFeed('log', '[{"id":1,"text":"t","kind":"info","count":1}]')).toHaveLength(1);
    expect(parseFeed('stats', '{"at":1,"nodes":[]}')).toMatchObject({ at: 1 });
  });

  it('skips bad data instead of throwing', () => {
    expect(parseFeed('health', '{not json')).toBeUndefined();
    expect(parseFeed('health', '{"nodes": 5}')).toBeUndefined();
    expect(parseFeed('stats', '42')).toBeUndefined();
    expect(parseFeed('mystery', '{}')).toBeUndefined();
    expect(parseFeed('log', '[{"id":"x"}]')).toBeUndefined();
    expect(parseFeed('info', '{"rules":"no"}')).toBeUndefined();
    expect(parseFeed('marker', '{"at":"later"}')).toBeUndefined();
  });
});
