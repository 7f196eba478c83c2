import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const root = new URL('../../', import.meta.url).pathname;

describe('examples/ run as a user would run them (against the built package)', () => {
  it('request-loop.mjs spreads its requests over three nodes and exits by itself', async () => {
    const { stdout } = await run('node', ['examples/request-loop.mjs'], {
      cwd: root,
      env: { ...process.env, REQUESTS: '90' },
      timeout: 30_000,
    });
    expect(stdout).toContain('90 requests in');
    const counts = [...stdout.matchAll(/node (\d): (\d+)/g)].map((m) => Number(m[2]));
    expect(counts).toHaveLength(3);
    expect(counts.reduce((a, b) => a + b, 0)).toBe(90);
  });

  it('health-dashboard.mjs shows node 2 going down and exits by itself', async () => {
    const { stdout } = await run('node', ['examples/health-dashboard.mjs'], {
      cwd: root,
      env: { ...process.env, SECONDS: '3' },
      timeout: 30_000,
    });
    const lines = stdout.trim().split('\n');
    // nodes start `joining` (not eligible) until first contact, then all three are eligible
    expect(lines[0]).toContain('eligible []');
    expect(lines.some((l) => l.includes('eligible [1,2,3]'))).toBe(true);
    expect(lines.at(-1)).toContain('eligible [1,3]');
    expect(stdout).toMatch(/2:down/);
  });
});
