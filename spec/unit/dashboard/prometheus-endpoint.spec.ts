import { EventEmitter } from 'node:events';
import type http from 'node:http';
import { describe, expect, it } from 'vitest';
import { startPrometheusEndpoint } from '../../../lib/dashboard/prometheus-endpoint.js';
import type { Router } from '../../../lib/router/router-types.js';

describe('startPrometheusEndpoint', () => {
  it('answers 503 naming the packages to install when the optional SDK is missing', async () => {
    const router = {} as Router; // not touched when the SDK is missing
    const endpoint = await startPrometheusEndpoint(router, () =>
      Promise.reject(new Error("Cannot find package '@opentelemetry/sdk-metrics'")),
    );
    expect(endpoint.unavailable).toMatch(
      /@opentelemetry\/sdk-metrics and @opentelemetry\/exporter-prometheus/,
    );
    let status = 0;
    let body = '';
    const res = Object.assign(new EventEmitter(), {
      writeHead(s: number) {
        status = s;
        return res;
      },
      end(b: string) {
        body = b;
      },
    });
    endpoint.handle({} as http.IncomingMessage, res as unknown as http.ServerResponse);
    expect(status).toBe(503);
    expect(body).toContain('npm install @opentelemetry/sdk-metrics @opentelemetry/exporter-prometheus');
    await endpoint.stop();
  });
});
