import { mkdirSync } from 'node:fs';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CliProcess, freePorts, nodeProcessesOn } from '../support/cli-process.js';
import { chromiumPath } from './chromium-setup.js';

const screenshots = new URL('../../test-results/', import.meta.url).pathname;
const faultEveryMs = 6000;

let browser: Browser;
let demo: CliProcess;
let ports: number[];
let page: Page;
let url: string;

beforeAll(async () => {
  ports = await freePorts(3);
  demo = CliProcess.start([
    'demo',
    '--ports',
    ports.join(','),
    '--fault-every',
    String(faultEveryMs),
    '--rate',
    '100',
    '--allow-control',
  ]);
  browser = await chromium.launch({
    executablePath: chromiumPath,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
  page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
  mkdirSync(screenshots, { recursive: true });
});

// cleanup only: an assertion here would hide the failure that left things running (the tests assert the exit)
afterAll(async () => {
  await browser?.close();
  if (demo && demo.child.exitCode === null) await demo.interrupt();
});

const statuses = () =>
  page.locator('.node').evaluateAll((els) => els.map((e) => (e as HTMLElement).dataset.status));
const card = (nodeId: number) => page.locator(`.node[data-node="${nodeId}"]`);
const logTexts = () => page.locator('#log > div').allTextContents();
const markerLabels = () => page.locator('#chart-svg g.marker text').allTextContents();
const shoot = (name: string) =>
  page.screenshot({ path: `${screenshots}dashboard-${name}.png`, fullPage: true });

/** Waits for the demo to inject `fault` (its terminal line), then for the page to mark it on the chart and in the log. */
async function seeFault(terminal: RegExp, label: string, logLine: RegExp) {
  await demo.waitFor(terminal, faultEveryMs * 5);
  await expect.poll(markerLabels, { timeout: 5000 }).toContain(label);
  await expect
    .poll(async () => (await logTexts()).some((t) => logLine.test(t)), { timeout: 5000 })
    .toBe(true);
  expect(await page.locator('#log > div.ev-fault').count()).toBeGreaterThan(0);
}

describe('the dashboard page in real Chromium, through the demo’s faults', () => {
  it('shows a loading state and a log placeholder first, then three nodes up, the rules in force and a favicon', async () => {
    [, url] = (await demo.waitFor(/dashboard: (http:\/\/\S+)/)) as unknown as [string, string];
    const html = await (await fetch(url)).text();
    expect(html).toContain('id="loading"'); // what the first paint shows before any data
    expect(html).toContain('No events yet');
    await page.goto(url);
    await expect.poll(statuses, { timeout: 15_000 }).toEqual(['up', 'up', 'up']);
    expect(await page.locator('#loading').isHidden()).toBe(true);
    await expect.poll(() => page.locator('#feed').textContent()).toBe('live');
    await expect.poll(() => page.locator('#rps').textContent(), { timeout: 10_000 }).not.toBe('0');
    expect(await page.locator('link[rel=icon]').getAttribute('href')).toBe('./favicon.svg');
    const rules = (await page.locator('#rules li').allTextContents()).join('\n');
    expect(rules).toMatch(/^health: a ping every 500 ms \(timeout 500 ms\)/m);
    expect(rules).toMatch(/^retry: up to 3 retries/m);
    expect(rules).toMatch(/^balancer: p2c/m);
    expect(await card(1).locator('.since').textContent()).toMatch(/^up for \d+ (s|min)/);
    await shoot('start');
  });

  it('marks the kill on the chart and in the log, and says a refused node refuses connections', async () => {
    await seeFault(/fault: SIGKILL node 1/, 'kill 1', /fault injected: SIGKILL node 1/);
    await expect.poll(async () => (await statuses())[0], { timeout: 10_000 }).toBe('down');
    await expect
      .poll(() => card(1).locator('.why').textContent(), { timeout: 10_000 })
      .toMatch(/refuses connections/);
    expect(await card(1).locator('.why').textContent()).not.toMatch(/connection broke/);
    await shoot('fault-kill');
  });

  it('marks the hang (SIGSTOP), shows the node down with a stale RTT, then its heal', async () => {
    await seeFault(/fault: SIGSTOP node 2/, 'pause 2', /fault injected: SIGSTOP node 2/);
    await expect.poll(async () => (await statuses())[1], { timeout: 10_000 }).toBe('down');
    expect(await card(2).locator('.rtt').textContent()).toMatch(
      /^— \(stale: [\d.]+ ms, last seen \d+ s ago\)$/,
    );
    await shoot('fault-pause');
    await expect.poll(markerLabels, { timeout: faultEveryMs }).toContain('heal 2');
  });

  it('marks the slow-down, flags the node with a badge that says against what, and logs it', async () => {
    await seeFault(
      /fault: node 3 answers 300 ms late/,
      'slow 3',
      /fault injected: node 3 answers 300 ms late/,
    );
    await expect.poll(() => card(3).getAttribute('data-degraded'), { timeout: 10_000 }).toBe('true');
    expect(await card(3).locator('.badge.slow').textContent()).toMatch(/^slow: \d+ ms vs [\d.]+ ms$/);
    await expect
      .poll(async () => (await logTexts()).some((t) => /node 3 is slow: answers pings in \d+ ms/.test(t)))
      .toBe(true);
    await shoot('fault-slow');
  });

  it('marks the restart, and draws per-node requests/s and latency series', async () => {
    await seeFault(/fault: restart node 1/, 'restart 1', /fault injected: restart node 1/);
    await shoot('fault-restart');
    for (const chart of ['#nodes-svg', '#latency-svg']) {
      const classes = await page
        .locator(`${chart} polyline.node-line`)
        .evaluateAll((els) => els.map((e) => e.getAttribute('class')));
      for (const c of ['c0', 'c1', 'c2'])
        expect(
          classes.some((k) => k?.includes(c)),
          `${chart} ${c}`,
        ).toBe(true);
    }
    expect(await page.locator('#latency-svg polyline.dashed').count()).toBeGreaterThan(0); // p99
    expect(await page.locator('#latency-svg text.axis.y').allTextContents()).toContain('1 ms');
  });

  it('keeps the event log, markers and chart across a reload (server-side history)', async () => {
    const before = (await logTexts()).map((t) => t.replace(/ ×\d+$/, '')).slice(5, 15);
    const markersBefore = await markerLabels();
    await page.reload();
    await expect
      .poll(() => page.locator('#log > div.ev-fault').count(), { timeout: 2000 })
      .toBeGreaterThanOrEqual(4);
    const after = (await logTexts()).map((t) => t.replace(/ ×\d+$/, ''));
    for (const line of before.filter((t) => !/×/.test(t)))
      expect(after.join('\n')).toContain(line.slice(9, 60));
    for (const label of markersBefore) expect(await markerLabels()).toContain(label);
    expect(await page.locator('#chart-svg polyline.req').getAttribute('points')).toMatch(/^(\S+ ){3,}/);
    await shoot('after-reload');
  });

  it('takes a node out and puts it back with the --allow-control buttons, marked on the chart', async () => {
    await expect.poll(async () => (await statuses())[2], { timeout: 20_000 }).toBe('up');
    await card(3).locator('button[data-action=out]').click();
    await expect.poll(async () => (await statuses())[2], { timeout: 5000 }).toBe('down');
    expect(await card(3).locator('.status').textContent()).toBe('down (by hand)');
    await expect.poll(markerLabels).toContain('out 3');
    await card(3).locator('button[data-action=in]').click();
    await expect.poll(async () => (await statuses())[2], { timeout: 10_000 }).not.toBe('down');
  });

  it('reconnects the feed after the server goes away, and the demo leaves nothing running', async () => {
    expect(await demo.interrupt()).toBe(0);
    expect(await nodeProcessesOn(ports)).toBe('');
    await expect.poll(() => page.locator('#feed').textContent(), { timeout: 10_000 }).toMatch(/feed lost/);
  });
});
