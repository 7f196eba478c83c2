import { type Subscriber, Subscription, type TeardownLogic, type Unsubscribable } from 'rxjs';

type TeardownSlot = { initialTeardown?: () => void };

/**
 * Whether this copy of RxJS runs a Subscription's `initialTeardown` (the function its constructor takes) exactly
 * once, first, when it is unsubscribed — checked once, on a Subscription of its own, so another RxJS version
 * simply takes the ordinary path.
 */
const initialTeardownWorks = ((): boolean => {
  try {
    const probe = new Subscription();
    const slot = probe as unknown as TeardownSlot;
    if (!Object.hasOwn(probe, 'initialTeardown')) return false;
    if (slot.initialTeardown !== undefined) return false;
    let ran = 0;
    slot.initialTeardown = () => ran++;
    probe.unsubscribe();
    probe.unsubscribe();
    return ran === 1;
  } catch {
    return false;
  }
})();

/**
 * What a subscribe function returns so that unsubscribing `subscriber` unsubscribes `teardown`.
 *
 * Returning `teardown` itself is the ordinary way; RxJS 7 then keeps it in an array and, in its CommonJS build
 * (the one Node loads), walks that array with a down-levelled iterator at every unsubscribe — about 310 bytes
 * allocated per subscription, a tenth of a whole request's (docs/performance.md). When the subscriber is one of
 * this RxJS's own, still open, with its first-finalizer slot free (as RxJS leaves every subscriber it makes), the
 * teardown goes in that slot instead and nothing is returned: RxJS runs it first, once, on unsubscribe, as it
 * runs a `new Subscription(teardown)`'s. Anything else takes the ordinary path, with the same behaviour.
 */
export function attachTeardown(subscriber: Subscriber<unknown>, teardown: Unsubscribable): TeardownLogic {
  if (initialTeardownWorks && subscriber instanceof Subscription && !subscriber.closed) {
    const slot = subscriber as unknown as TeardownSlot;
    if (slot.initialTeardown === undefined) {
      slot.initialTeardown = () => teardown.unsubscribe();
      return undefined;
    }
  }
  return teardown;
}
