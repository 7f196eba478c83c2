import { VirtualTimeScheduler } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { ErrorCode, RouterError } from '../../../lib/errors.js';
import { discovery } from '../../../lib/router/discovery.js';
import { advanceTo } from '../../../lib/testing/advance-to.js';
import type { NodeAddress } from '../../../lib/types.js';
import { adminCodec } from '../../../lib/wire/admin-codec.js';
import { type Message, MessageType } from '../../../lib/wire/message.js';

type Done = (err: RouterError | undefined, reply?: Message) => void;
const address = (id: number): NodeAddress => ({
  id,
  host: `10.0.0.${id}`,
  port: 7000,
  protocol: 'tcp',
  label: `10.0.0.${id}:7000`,
  alternatives: [],
});
const reply = (payload: Uint8Array): Message => ({
  sender: 1,
  recipient: 0,
  sequence: 0,
  timestamp: 0,
  type: MessageType.Data,
  payload,
});
const nodeList = adminCodec.encodeResponse({
  kind: 'NodeList',
  nodes: [{ nodeId: 1, hostname: '10.0.0.1', port: 7000, status: 'Healthy', role: 'Primary' }],
});

function setup(inService: (id: number) => boolean = () => true) {
  const scheduler = new VirtualTimeScheduler();
  const asked: { id: number; at: number; type: number; payload: Uint8Array; done: Done }[] = [];
  const applied: number[] = [];
  const warnings: string[] = [];
  const sub = discovery({
    intervalMs: 1000,
    retryIntervalMs: 100,
    timeoutMs: 500,
    scheduler,
    random: () => 0,
    eligible: () => [1, 2],
    inService,
    addressOf: address,
    send: (id, type, payload, _deadline, done) => {
      asked.push({ id, at: scheduler.now(), type, payload, done });
      return () => {};
    },
    apply: (_wanted, version) => applied.push(version),
    warn: (m) => warnings.push(m),
  });
  return { scheduler, asked, applied, warnings, sub };
}

describe('discovery', () => {
  it('asks ListNodes in a Data message, one poll at a time: every intervalMs after a good reply, retryIntervalMs after a failure', () => {
    const t = setup();
    advanceTo(t.scheduler, 0);
    expect(t.asked).toHaveLength(1);
    expect(t.asked[0]!.type).toBe(MessageType.Data);
    expect(adminCodec.decodeRequest(t.asked[0]!.payload)).toEqual({ kind: 'ListNodes' });
    advanceTo(t.scheduler, 5000);
    expect(t.asked).toHaveLength(1); // no second poll while the first is out
    t.asked[0]!.done(undefined, reply(nodeList));
    expect(t.applied).toEqual([1]);
    advanceTo(t.scheduler, 5999);
    expect(t.asked).toHaveLength(1);
    advanceTo(t.scheduler, 6000);
    expect(t.asked).toHaveLength(2);
    t.asked[1]!.done(new RouterError(ErrorCode.RequestTimeout, 'no reply', { retryable: true }));
    expect(t.warnings[0]).toMatch(/ListNodes to node 1 \(10\.0\.0\.1:7000\) failed: ERR_REQUEST_TIMEOUT/);
    advanceTo(t.scheduler, 6100);
    expect(t.asked).toHaveLength(3);
    t.sub.unsubscribe();
    expect(t.scheduler.actions).toHaveLength(0);
  });

  it('a reply from a node no longer in service changes nothing (no apply, no warning)', () => {
    let member = true;
    const t = setup(() => member);
    advanceTo(t.scheduler, 0);
    member = false;
    t.asked[0]!.done(undefined, reply(nodeList));
    expect(t.applied).toEqual([]);
    expect(t.warnings).toEqual([]);
    t.sub.unsubscribe();
  });
});
