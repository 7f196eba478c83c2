import { readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestServer } from '../../lib/testing/test-server.js';
import { chromiumPath } from './chromium-setup.js';

const dist = new URL('../../dist/browser/', import.meta.url);
const page = `<!doctype html><meta charset="utf-8"><title>qdb-router in a browser</title>
<ul id="replies"></ul><p id="state">starting</p>
<script type="module">
  import { createRouter, MessageType } from './qdb-router.js';
  const hosts = new URLSearchParams(location.search).getAll('host');
  const router = createRouter({ hosts });
  const list = document.getElementById('replies');
  try {
    for (let i = 0; i < 5; i++) {
      const reply = await router.request('hello from the browser ' + i);
      const li = document.createElement('li');
      li.textContent = 'node ' + reply.sender + ': ' + new TextDecoder().decode(reply.payload);
      list.append(li);
    }
    const health = await new Promise((resolve) => router.health$.subscribe(resolve));
    document.getElementById('state').textContent = 'done, eligible ' + health.eligible.join(',') + ', ' + (MessageType.Data === 2);
    await router.close();
  } catch (err) {
    document.getElementById('state').textContent = 'error ' + err.code + ' ' + err.message;
  }
</script>`;

let browser: Browser;
let site: http.Server;
let servers: TestServer[];
let base: string;

beforeAll(async () => {
  servers = await Promise.all([1, 2].map((nodeId) => TestServer.start({ websocket: true, nodeId })));
  site = http.createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    if (path === '/') return res.writeHead(200, { 'content-type': 'text/html' }).end(page);
    try {
      const body = readFileSync(new URL(`.${path}`, dist));
      res.writeHead(200, { 'content-type': 'text/javascript' }).end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => site.listen(0, '127.0.0.1', () => resolve()));
  base = `http://127.0.0.1:${(site.address() as AddressInfo).port}/`;
  browser = await chromium.launch({
    executablePath: chromiumPath,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
});

afterAll(async () => {
  await browser?.close();
  site?.close();
  await Promise.all((servers ?? []).map((s) => s.stop()));
});

describe('the browser build in real Chromium', () => {
  it('sends requests through request$() over WebSocket to live TestServers and shows the replies', async () => {
    const tab = await browser.newPage();
    const errors: string[] = [];
    tab.on('pageerror', (e) => errors.push(String(e)));
    const query = servers.map((s) => `host=${encodeURIComponent(s.wsUrl)}`).join('&');
    await tab.goto(`${base}?${query}`);
    // five requests in a row from a Chromium page: on a loaded 2-core machine with the unit files running beside
    // it (npm test), 20 s was once not enough (still 'starting'); a request that never settles still fails this
    await expect.poll(() => tab.locator('#state').textContent(), { timeout: 50_000 }).toMatch(/^done/);
    const replies = await tab.locator('#replies li').allTextContents();
    expect(replies).toHaveLength(5);
    for (const [i, r] of replies.entries())
      expect(r).toMatch(new RegExp(`^node [12]: hello from the browser ${i}$`));
    expect(await tab.locator('#state').textContent()).toBe('done, eligible 1,2, true');
    expect(servers[0]!.requestCount + servers[1]!.requestCount).toBe(5);
    expect(errors).toEqual([]);
  });
});
