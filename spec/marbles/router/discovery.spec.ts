import { describe, expect, it } from 'vitest';
import type { NodeId } from '../../../lib/types.js';
import { adminCodec } from '../../../lib/wire/admin-codec.js';
import type { ClusterNodeInfo } from '../../../lib/wire/admin-types.js';
import { membershipSetup, ofType } from './membership-cluster.js';
import { drive } from './script-cluster.js';

const a = '10.0.0.1:7000';
const b = '10.0.0.2:7000';
const c = '10.0.0.3:7000';
const info = (label: string, nodeId: number): ClusterNodeInfo => {
  const [hostname, port] = label.split(':');
  return { nodeId, hostname: hostname!, port: Number(port), status: 'Healthy', role: 'Replica' };
};
const list =
  (...nodes: ClusterNodeInfo[]) =>
  () =>
    adminCodec.encodeResponse({ kind: 'NodeList', nodes });

describe("discovery 'admin' (ListNodes in a Data message, virtual time)", () => {
  it('follows the NodeList from the seeds: adds, then removes what the list drops (discovery decides removals)', async () => {
    const t = membershipSetup([a, b, c], {
      joinSpreadMs: 0,
      discovery: { source: 'admin', intervalMs: 1000, retryIntervalMs: 100 },
    });
    for (const s of [a, b, c]) t.farm.servers.get(s)!.listNodes = list(info(a, 1), info(b, 2), info(c, 3));
    t.hosts.next([a]);
    await drive(t.scheduler, 300);
    expect(t.router.addresses.map((x) => x.label)).toEqual([a, b, c]);
    const listed = t.farm.sent.filter((s) => s.type === 2 && s.payload.length === 8);
    expect(listed.length).toBeGreaterThan(0); // ListNodes went as Data
    for (const s of [a, b, c]) t.farm.servers.get(s)!.listNodes = list(info(a, 1), info(c, 3));
    await drive(t.scheduler, 1200);
    expect(ofType(t.events, 'nodeDraining').map((e) => [e.nodeId, e.reason])).toEqual([[2, 'discovery']]);
    await drive(t.scheduler, 1500);
    expect(t.router.addresses.map((x) => x.label)).toEqual([a, c]);
    // the seed list re-emitted does not re-add b: hosts only adds what it newly lists
    t.hosts.next([a]);
    await drive(t.scheduler, 2600);
    expect(t.router.addresses.map((x) => x.label)).toEqual([a, c]);
    await t.close();
  });

  it('an empty, error, undecodable or invalid NodeList leaves eligible$ unchanged and emits a warning', async () => {
    const t = membershipSetup([a, b], {
      joinSpreadMs: 0,
      discovery: { source: 'admin', intervalMs: 1000, retryIntervalMs: 100 },
    });
    for (const s of [a, b]) t.farm.servers.get(s)!.listNodes = list(info(a, 1), info(b, 2));
    t.hosts.next([a]);
    await drive(t.scheduler, 500);
    const eligible: (readonly NodeId[])[] = [];
    t.router.eligible$.subscribe((e) => eligible.push(e));
    expect(eligible).toEqual([[1, 2]]);
    const bad: [string, () => Uint8Array, RegExp][] = [
      ['empty', list(), /listed no nodes/],
      ['error', () => adminCodec.encodeResponse({ kind: 'Error', message: 'not leader' }), /not leader/],
      ['garbage', () => new Uint8Array([0, 0, 0, 0, 0, 0, 0, 0, 9, 9, 9, 9, 9, 9, 9, 9]), /does not decode/],
      ['port 0', list(info(a, 1), { ...info(b, 2), port: 0 }), /port 0 is out of range/],
      ['id 0', list(info(a, 1), info(b, 0)), /node_id 0 is out of range/],
      ['host', list(info(a, 1), { ...info(b, 2), hostname: '__proto__/x' }), /hostname "__proto__\/x"/],
    ];
    for (const [what, reply, message] of bad) {
      for (const s of [a, b]) t.farm.servers.get(s)!.listNodes = reply;
      const before = ofType(t.events, 'membershipWarning').length;
      await drive(t.scheduler, t.scheduler.now() + 1100);
      const warnings = ofType(t.events, 'membershipWarning').slice(before);
      expect(warnings.length, what).toBeGreaterThan(0);
      expect(warnings[0]!.message, what).toMatch(message);
      expect(warnings[0]!.source).toBe('discovery');
    }
    expect(eligible).toEqual([[1, 2]]);
    expect(ofType(t.events, 'nodeDraining')).toEqual([]);
    await t.close();
  });
});
