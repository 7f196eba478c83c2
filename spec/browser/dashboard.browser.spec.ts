import { mkdirSync } from 'node:fs';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sendAdmin } from '../../lib/cli/send-admin.js';
import { CliProcess, freePorts, nodeProcessesOn } from '../support/cli-process.js';
import { chromiumPath } from './chromium-setup.js';

const screenshots = new URL('../../test-results/', import.meta.url).pathname;

let browser: Browser;
let demo: CliProcess;
let ports: number[];
let page: Page;
let url: string;

beforeAll(async () => {
  ports = await freePorts(3);
  demo = CliProcess.start(['demo', '--ports', ports.join(','), '--fault-every', '0', '--rate', '100']);
  browser = await chromium.launch({
    executablePath: chromiumPath,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
  page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
});

// cleanup only: an assertion here would hide the failure that left things running (the tests assert the exit)
afterAll(async () => {
  await browser?.close();
  if (demo && demo.child.exitCode === null) await demo.interrupt();
});

const statuses = () =>
  page.locator('.node').evaluateAll((els) => els.map((e) => (e as HTMLElement).dataset.status));
const card = (nodeId: number) => page.locator(`.node[data-node="${nodeId}"]`);
const pid = async (nodeId: number) =>
  Number((await demo.waitFor(new RegExp(`node ${nodeId} \\S+ pid (\\d+)`)))[1]);

describe('the dashboard page in real Chromium', () => {
  it('shows a loading state, then three nodes up with the feed live, and a favicon', async () => {
    [, url] = (await demo.waitFor(/dashboard: (http:\/\/\S+)/)) as unknown as [string, string];
    await page.goto(url);
    await expect.poll(statuses, { timeout: 15_000 }).toEqual(['up', 'up', 'up']);
    expect(await page.locator('#loading').isHidden()).toBe(true);
    await expect.poll(() => page.locator('#feed').textContent()).toBe('live');
    await expect.poll(() => page.locator('#rps').textContent(), { timeout: 10_000 }).not.toBe('0');
    expect(await page.locator('link[rel=icon]').getAttribute('href')).toBe('./favicon.svg');
    const html = await (await fetch(url)).text();
    expect(html).toContain('id="loading"'); // what the first paint shows before any data
  });

  it('draws the chart with a time axis and a scale, filled from the server history on reload', async () => {
    await page.waitForTimeout(3000);
    await page.reload();
    // right after the reload, before the next stats message could fill it, the history is drawn
    await expect
      .poll(() => page.locator('#chart-svg polyline.req').getAttribute('points'), { timeout: 900 })
      .toMatch(/^(\S+ ){3,}/);
    expect(await page.locator('#chart-svg text.axis.x').count()).toBeGreaterThanOrEqual(2);
    expect(await page.locator('#chart-svg text.axis.y').allTextContents()).toContain('0/s');
  });

  it('shows a slow node as degraded relative to the others, and a hung node down with a stale RTT', async () => {
    await sendAdmin(`127.0.0.1:${ports[2]}`, { command: 'setLatency', ms: 300 });
    await expect.poll(() => card(3).getAttribute('data-degraded'), { timeout: 20_000 }).toBe('true');
    expect(await card(3).locator('.badge.slow').textContent()).toMatch(/^slow ×\d+$/);
    process.kill(await pid(2), 'SIGSTOP');
    await expect.poll(async () => (await statuses())[1], { timeout: 15_000 }).toBe('down');
    const rtt = await card(2).locator('.rtt').textContent();
    expect(rtt).toMatch(/^— \(stale: [\d.]+ ms, last seen \d+ s ago\)$/);
    expect(await card(2).locator('.why').textContent()).toMatch(
      /heartbeat pings go unanswered|requests to it failed/,
    );
    expect(await page.locator('#summary').textContent()).toMatch(/2 of 3 nodes eligible, 1 slow/);
    await page.waitForTimeout(1500);
    mkdirSync(screenshots, { recursive: true });
    await page.screenshot({ path: `${screenshots}dashboard.png`, fullPage: true });
  });

  it('folds repeated events and makes status changes stand out', async () => {
    const lines = await page.locator('#log > div').allTextContents();
    const texts = lines.map((l) => l.replace(/^\S+ /, '').replace(/ ×\d+$/, ''));
    expect(new Set(texts).size).toBe(texts.length); // every repeat was folded into its line
    const status = await page.locator('#log > div.ev-status').allTextContents();
    expect(status.some((s) => /node 2: (up|suspect) → (suspect|down)/.test(s))).toBe(true);
    // resume the hung node (it may stay out a while: failed requests eject a node for 30 s) and speed up node 3
    process.kill(await pid(2), 'SIGCONT');
    await sendAdmin(`127.0.0.1:${ports[2]}`, { command: 'setLatency', ms: 0 });
  });

  it('turns a killed node down, and up again after the demo restarts it', async () => {
    process.kill(await pid(1), 'SIGKILL');
    await expect.poll(async () => (await statuses())[0], { timeout: 10_000 }).toBe('down');
    // the demo's supervisor restarts a dead node after 3 s; rise × interval = 1 s more
    await expect.poll(async () => (await statuses())[0], { timeout: 20_000 }).toBe('up');
  });

  it('reconnects the feed after the server goes away, and the demo leaves nothing running', async () => {
    expect(await demo.interrupt()).toBe(0);
    expect(await nodeProcessesOn(ports)).toBe('');
    await expect.poll(() => page.locator('#feed').textContent(), { timeout: 10_000 }).toMatch(/feed lost/);
  });
});
