import { mkdirSync } from 'node:fs';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CliProcess, freePorts, nodeProcessesOn } from '../support/cli-process.js';
import { chromiumPath } from './chromium-setup.js';

const screenshots = new URL('../../test-results/', import.meta.url).pathname;

let browser: Browser;
let demo: CliProcess;
let ports: number[];
let page: Page;

beforeAll(async () => {
  ports = await freePorts(3);
  demo = CliProcess.start(['demo', '--ports', ports.join(','), '--fault-every', '0', '--rate', '100']);
  browser = await chromium.launch({
    executablePath: chromiumPath,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
  page = await browser.newPage({ viewport: { width: 1100, height: 800 } });
});

// cleanup only: an assertion here would hide the failure that left things running (the tests assert the exit)
afterAll(async () => {
  await browser?.close();
  if (demo && demo.child.exitCode === null) await demo.interrupt();
});

const statuses = () =>
  page.locator('.node').evaluateAll((els) => els.map((e) => (e as HTMLElement).dataset.status));

describe('the dashboard page in real Chromium', () => {
  it('loads and shows three nodes up, with the feed live', async () => {
    const [, url] = await demo.waitFor(/dashboard: (http:\/\/\S+)/);
    await page.goto(url!);
    await expect.poll(statuses, { timeout: 15_000 }).toEqual(['up', 'up', 'up']);
    await expect.poll(() => page.locator('#feed').textContent()).toBe('live');
    await expect.poll(() => page.locator('#rps').textContent(), { timeout: 10_000 }).not.toBe('0');
  });

  it('turns a killed node down within a bound, and up again after the demo restarts it', async () => {
    const [, pid] = await demo.waitFor(/node 2 127\.0\.0\.1:\d+ pid (\d+)/);
    process.kill(Number(pid), 'SIGKILL');
    // a killed node leaves at its first failed request or probe (~0.5 s here); 10 s is the margin for CI
    await expect.poll(async () => (await statuses())[1], { timeout: 10_000 }).toBe('down');
    mkdirSync(screenshots, { recursive: true });
    await page.screenshot({ path: `${screenshots}dashboard-node-down.png`, fullPage: true });
    // the demo's supervisor restarts a dead node after 3 s; rise × interval = 1 s more
    await expect.poll(async () => (await statuses())[1], { timeout: 20_000 }).toBe('up');
    await expect.poll(() => page.locator('#log').textContent()).toContain('nodeStatusChanged');
    await page.screenshot({ path: `${screenshots}dashboard.png`, fullPage: true });
  });

  it('reconnects the feed after the server goes away', async () => {
    expect(await demo.interrupt()).toBe(0);
    expect(await nodeProcessesOn(ports)).toBe('');
    await expect.poll(() => page.locator('#feed').textContent(), { timeout: 10_000 }).toMatch(/feed lost/);
  });
});
