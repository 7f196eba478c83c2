import { map } from 'rxjs';
import { describe, it } from 'vitest';
import { waitForNode } from '../../../lib/router/wait-for-node.js';
import { runMarbles } from '../../support/marbles.js';

describe('waitForNode', () => {
  it('emits the first node select() returns after a change, then completes', () => {
    runMarbles((scheduler, { hot, expectObservable, expectSubscriptions }) => {
      let ready: number | undefined;
      const changes = hot('a--b-----c', { a: 0, b: 0, c: 2 });
      const result = waitForNode(
        () => ready,
        changes.pipe(map((v) => (ready = v || undefined))),
        scheduler,
        100,
        () => 'late',
      );
      expectObservable(result).toBe('---------(x|)', { x: 2 });
      expectSubscriptions(changes.subscriptions).toBe('^--------!');
    });
  });

  it('errors at the deadline when no node came, and unsubscribes from changes', () => {
    runMarbles((scheduler, { hot, expectObservable, expectSubscriptions }) => {
      const changes = hot('a--b-----c');
      const result = waitForNode(
        () => undefined,
        changes,
        scheduler,
        5,
        () => 'no node',
      );
      expectObservable(result).toBe('-----#', undefined, 'no node');
      expectSubscriptions(changes.subscriptions).toBe('^----!');
    });
  });

  it('a node available at once: no wait, no timer left', () => {
    runMarbles((scheduler, { cold, expectObservable }) => {
      expectObservable(
        waitForNode(
          () => 3,
          cold('-a'),
          scheduler,
          50,
          () => 'x',
        ),
      ).toBe('(n|)', { n: 3 });
    });
  });
});
