import { configDefaults, type HedgeOptions, type InvalidConfig } from '../config.js';
import { configChecker } from '../config-checker.js';

const requestKeys = ['type', 'timeoutMs', 'idempotent', 'hedge'];

/** One request's options, resolved: see {@link resolveRequestOptions}. */
export interface ResolvedRequestOptions {
  readonly type: number;
  readonly timeoutMs: number;
  readonly idempotent: boolean;
  /** `undefined`: the config decides; false: no hedging; otherwise hedging with these overrides. */
  readonly hedge: false | Pick<HedgeOptions, 'delayMs' | 'maxAttempts'> | undefined;
}

/**
 * Validates one request's options (`undefined` means none; `null`, an array or anything not a plain object is
 * invalid) and fills in the defaults: `timeoutMs` from the config, type Data, idempotent true.
 */
export function resolveRequestOptions(
  options: unknown,
  defaultTimeoutMs: number,
  invalid: InvalidConfig,
): ResolvedRequestOptions {
  if (options === undefined)
    return {
      type: configDefaults.request.type,
      timeoutMs: defaultTimeoutMs,
      idempotent: true,
      hedge: undefined,
    };
  if (typeof options !== 'object' || options === null || Array.isArray(options))
    throw invalid('options', options, 'an object or undefined');
  const o = options as Record<string, unknown>;
  const check = configChecker(invalid);
  check.knownKeys(o, requestKeys, 'options.');
  check.duration(o, 'timeoutMs', 'options.');
  if (
    o.type !== undefined &&
    !(Number.isInteger(o.type) && (o.type as number) >= 0 && (o.type as number) < 12)
  )
    throw invalid('options.type', o.type, 'a MessageType (a whole number from 0 to 11)');
  if (o.idempotent !== undefined && typeof o.idempotent !== 'boolean')
    throw invalid('options.idempotent', o.idempotent, 'true or false');
  return {
    type: (o.type as number | undefined) ?? configDefaults.request.type,
    timeoutMs: (o.timeoutMs as number | undefined) ?? defaultTimeoutMs,
    idempotent: (o.idempotent as boolean | undefined) ?? configDefaults.request.idempotent,
    hedge: requestHedge(o.hedge, invalid, check),
  };
}

function requestHedge(
  value: unknown,
  invalid: InvalidConfig,
  check: ReturnType<typeof configChecker>,
): ResolvedRequestOptions['hedge'] {
  if (value === undefined) return undefined;
  if (value === false) return false;
  if (value === true) return {};
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw invalid('options.hedge', value, 'true, false or { delayMs, maxAttempts }');
  const o = value as Record<string, unknown>;
  check.knownKeys(o, ['delayMs', 'maxAttempts'], 'options.hedge.');
  check.hedge(o, 'options.hedge.');
  return o as Pick<HedgeOptions, 'delayMs' | 'maxAttempts'>;
}
