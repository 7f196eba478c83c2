import { describe, expect, it } from 'vitest';
import { dashboardCli } from '../../../lib/cli/dashboard-cli.js';

describe('dashboardCli.resolve', () => {
  it('binds loopback by default, quietly', () => {
    const r = dashboardCli.resolve({ port: '0' });
    expect(r.options).toMatchObject({ host: '127.0.0.1', allowedHosts: [], allowControl: false });
    expect(r.warnings).toEqual([]);
  });
  it('binds the first --host, accepts all, and warns when that is not loopback', () => {
    const r = dashboardCli.resolve({ port: '9000', host: ['0.0.0.0', 'dash.example'] });
    expect(r.options).toMatchObject({
      port: 9000,
      host: '0.0.0.0',
      allowedHosts: ['0.0.0.0', 'dash.example'],
    });
    expect(r.warnings[0]).toMatch(/NO authentication/);
  });
  it('allows control on loopback only', () => {
    expect(dashboardCli.resolve({ 'allow-control': true, host: ['localhost'] }).options.allowControl).toBe(
      true,
    );
    expect(() => dashboardCli.resolve({ 'allow-control': true, host: ['0.0.0.0'] })).toThrow(/loopback only/);
  });
  it('rejects a bad port or host', () => {
    expect(() => dashboardCli.resolve({ port: '70000' })).toThrow(/bad --port 70000/);
    expect(() => dashboardCli.resolve({ host: ['a b'] })).toThrow(/bad --host "a b"/);
  });
});
