import { type ActiveFault, type FaultKind, faultKinds } from './fault.js';

const knownKeys = ['kind', 'rate', 'target', 'bytesPerWrite', 'intervalMs', 'durationMs'];

/**
 * Checks a fault (from code, an Admin message or the command line) and fills in the defaults. Throws a
 * `TypeError` naming the bad field and value.
 */
export function validateFault(value: unknown): ActiveFault {
  if (typeof value !== 'object' || value === null)
    throw new TypeError(`a fault must be an object, got ${show(value)}`);
  const f = value as Record<string, unknown>;
  for (const key of Object.keys(f)) {
    if (!knownKeys.includes(key)) throw new TypeError(`unknown fault field "${key}"`);
  }
  if (!faultKinds.includes(f.kind as FaultKind)) {
    throw new TypeError(`fault kind must be one of ${faultKinds.join(', ')}; got ${show(f.kind)}`);
  }
  const rate = f.rate ?? 1;
  if (typeof rate !== 'number' || !(rate >= 0 && rate <= 1)) {
    throw new TypeError(`fault rate must be a number in [0, 1], got ${show(f.rate)}`);
  }
  const target = f.target ?? 'data';
  if (target !== 'data' && target !== 'all') {
    throw new TypeError(`fault target must be 'data' or 'all', got ${show(f.target)}`);
  }
  const bytesPerWrite = whole(f, 'bytesPerWrite', 1, 1);
  const intervalMs = whole(f, 'intervalMs', 50, 0);
  const durationMs = f.durationMs === undefined ? undefined : whole(f, 'durationMs', 0, 1);
  return { kind: f.kind as FaultKind, rate, target, bytesPerWrite, intervalMs, durationMs };
}

function whole(f: Record<string, unknown>, key: string, fallback: number, min: number): number {
  const value = f[key] ?? fallback;
  if (!Number.isSafeInteger(value) || (value as number) < min || (value as number) > 2 ** 31 - 1) {
    throw new TypeError(`fault ${key} must be a whole number in [${min}, 2^31-1], got ${show(f[key])}`);
  }
  return value as number;
}

function show(value: unknown): string {
  return typeof value === 'string' ? JSON.stringify(value) : String(value);
}
