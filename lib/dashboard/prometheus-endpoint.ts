import type http from 'node:http';
import { instrumentRouter } from '../observability/instrument-router.js';
import { MetricName } from '../observability/metric-name.js';
import type { Router } from '../router/router-types.js';

/** The dashboard's `/metrics`: a request handler and a stop function. */
export interface PrometheusEndpoint {
  /** Answers a scrape; 503 with a line saying what to install when the optional packages are not installed. */
  handle(req: http.IncomingMessage, res: http.ServerResponse): void;
  /** Null when serving, else why `/metrics` is off (one line). */
  readonly unavailable: string | null;
  stop(): Promise<void>;
}

/** What `/metrics` and the CLI say when the optional OpenTelemetry SDK or Prometheus exporter is missing. */
const missingSdkMessage =
  '/metrics is off: it needs the optional packages @opentelemetry/sdk-metrics and @opentelemetry/exporter-prometheus ' +
  '(npm install @opentelemetry/sdk-metrics @opentelemetry/exporter-prometheus)';

/**
 * `/metrics` in Prometheus text format: the router's OpenTelemetry instruments through a private SDK meter
 * provider and the OpenTelemetry Prometheus exporter. Both are optional dependencies of the package (the library
 * itself needs only `@opentelemetry/api`), imported here lazily: when either is missing, `/metrics` answers 503
 * with a line saying what to install and the rest of the dashboard works.
 */
export async function startPrometheusEndpoint(
  router: Router,
  load: () => Promise<
    [typeof import('@opentelemetry/sdk-metrics'), typeof import('@opentelemetry/exporter-prometheus')]
  > = () => Promise.all([import('@opentelemetry/sdk-metrics'), import('@opentelemetry/exporter-prometheus')]),
): Promise<PrometheusEndpoint> {
  let modules: Awaited<ReturnType<typeof load>>;
  try {
    modules = await load();
  } catch {
    return {
      unavailable: missingSdkMessage,
      handle: (_req, res) => {
        res.writeHead(503, { 'content-type': 'text/plain; charset=utf-8' }).end(`${missingSdkMessage}\n`);
      },
      stop: async () => {},
    };
  }
  const [{ MeterProvider }, { PrometheusExporter }] = modules;
  const exporter = new PrometheusExporter({
    preventServerStart: true,
    withoutScopeInfo: true,
    withoutTargetInfo: true,
  });
  // Prometheus names carry their unit: `_seconds` (this exporter version does not add it by itself)
  const views: Array<{ instrumentName: string; name: string }> = [
    MetricName.OperationDuration,
    MetricName.ConnectionCreateTime,
    MetricName.ConnectionWaitTime,
    MetricName.ConnectionUseTime,
    MetricName.NodeRtt,
  ].map((name) => ({ instrumentName: name, name: `${name}_seconds` }));
  views.push({
    instrumentName: MetricName.NodeLastSeen,
    name: `${MetricName.NodeLastSeen}_timestamp_seconds`,
  });
  const meterProvider = new MeterProvider({ readers: [exporter], views });
  const instruments = instrumentRouter(router, { meterProvider });
  return {
    unavailable: null,
    handle: (req, res) => exporter.getMetricsRequestHandler(req, res),
    async stop() {
      instruments.stop();
      await meterProvider.shutdown();
    },
  };
}
