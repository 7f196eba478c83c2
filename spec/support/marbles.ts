import { expect } from 'vitest';
import { marbles } from '../../lib/testing/marbles.js';

/** `marbles` with vitest's deep equality, so failures show a readable diff. */
export const runMarbles: typeof marbles = (body, options = {}) =>
  marbles(body, { assertDeepEqual: (actual, expected) => expect(actual).toEqual(expected), ...options });
