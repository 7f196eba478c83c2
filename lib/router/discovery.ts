import { type SchedulerLike, Subscription } from 'rxjs';
import type { RouterError } from '../errors.js';
import type { NodeAddress, NodeId } from '../types.js';
import { adminCodec } from '../wire/admin-codec.js';
import { type Message, MessageType } from '../wire/message.js';
import type { WantedNode } from './member.js';
import { nodeListMembers } from './node-list-members.js';

const listNodes = adminCodec.encodeRequest({ kind: 'ListNodes' });

/** Parts of {@link discovery}. */
export interface DiscoveryParts {
  /** Between successful polls. */
  readonly intervalMs: number;
  /** After a failed poll, and while no node is eligible (faster, so a cluster that comes back is found soon). */
  readonly retryIntervalMs: number;
  /** Each poll's deadline. */
  readonly timeoutMs: number;
  readonly scheduler: SchedulerLike;
  readonly random: () => number;
  /** The nodes a poll may ask (the eligible ones). */
  eligible(): readonly NodeId[];
  /** A node in service (not draining, not removed): a reply from any other changes nothing. */
  inService(id: NodeId): boolean;
  addressOf(id: NodeId): NodeAddress | undefined;
  send(id: NodeId, type: MessageType, payload: Uint8Array, deadline: number, done: Done): () => void;
  /** A good list, in poll order (`version`). */
  apply(wanted: readonly WantedNode[], version: number): void;
  /** A failed poll, in words naming the node and the reason. */
  warn(message: string): void;
}

type Done = (err: RouterError | undefined, reply?: Message) => void;

/**
 * Follows the cluster's own member list: asks one eligible node (at random) `Request::Admin(ListNodes)` — a
 * bincode payload in a **Data** message, exactly as the reference client's `AdminClient` sends it — every
 * `intervalMs`, and hands a valid `NodeList` reply to membership (`apply`, with the poll's number so that a slow
 * reply overtaken by a newer one is stale). A failed poll (no reply by the deadline, `Response::Error`, bytes
 * that do not decode, an invalid entry) is a warning and changes nothing; the next poll comes after
 * `retryIntervalMs`, as it does while no node is eligible. A reply from a node removed meanwhile is dropped.
 * Returns the subscription that stops it (and cancels a poll in flight).
 */
export function discovery(parts: DiscoveryParts): Subscription {
  const { scheduler } = parts;
  let version = 0;
  let cancel: (() => void) | undefined;
  let timer: Subscription;

  const next = (ms: number) => {
    timer = scheduler.schedule(poll, ms);
  };
  const poll = () => {
    const eligible = parts.eligible();
    if (eligible.length === 0) return next(parts.retryIntervalMs);
    const id = eligible[Math.floor(parts.random() * eligible.length) % eligible.length]!;
    const label = parts.addressOf(id)?.label ?? `node ${id}`;
    const v = ++version;
    let settled = false;
    const deadline = scheduler.now() + parts.timeoutMs;
    cancel = parts.send(id, MessageType.Data, listNodes, deadline, (err, reply) => {
      if (settled) return;
      settled = true;
      cancel = undefined;
      const failure = err
        ? `ListNodes to node ${id} (${label}) failed: ${err.code} ${err.message}`
        : read(id, reply!, v);
      if (failure) parts.warn(failure);
      next(failure ? parts.retryIntervalMs : parts.intervalMs);
    });
  };

  const read = (id: NodeId, reply: Message, v: number): string | undefined => {
    if (!parts.inService(id)) return undefined; // removed meanwhile: its word changes nothing
    const label = parts.addressOf(id)?.label ?? `node ${id}`;
    let response: ReturnType<typeof adminCodec.decodeResponse>;
    try {
      response = adminCodec.decodeResponse(reply.payload);
    } catch (err) {
      return `ListNodes reply of node ${id} (${label}) does not decode: ${(err as Error).message}`;
    }
    if (response.kind === 'Error')
      return `node ${id} (${label}) answered ListNodes with an error: ${response.message}`;
    if (response.kind !== 'NodeList') return `node ${id} (${label}) answered ListNodes with ${response.kind}`;
    const wanted = nodeListMembers(response.nodes, parts.addressOf(id)?.protocol ?? 'tcp');
    if (typeof wanted === 'string') return `ListNodes reply of node ${id} (${label}) refused: ${wanted}`;
    if (wanted.length === 0) return `node ${id} (${label}) listed no nodes: the set is kept`;
    parts.apply(wanted, v);
    return undefined;
  };

  next(0);
  return new Subscription(() => {
    timer.unsubscribe();
    cancel?.();
  });
}
