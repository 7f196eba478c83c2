import { describe, expect, it } from 'vitest';
import { NodeErrors } from '../../../lib/router/node-errors.js';

describe('NodeErrors', () => {
  it("keeps each node's last error and the latest of all", () => {
    const errors = new NodeErrors();
    expect(errors.latest()).toBeUndefined();
    errors.record(1, 'a', 5);
    errors.record(2, 'b', 7);
    errors.record(1, 'c', 6);
    expect(errors.get(1)).toEqual({ error: 'c', at: 6 });
    expect(errors.get(2)).toEqual({ error: 'b', at: 7 });
    expect(errors.latest()).toBe('b');
    errors.delete(2);
    expect(errors.get(2)).toBeUndefined();
  });
});
