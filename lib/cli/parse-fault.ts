import type { Fault, FaultKind } from '../testing/fault.js';
import { validateFault } from '../testing/validate-fault.js';
import { UsageError } from './usage-error.js';

/** The fault options of `qdb-router node`, as strings from `parseArgs`. */
export interface FaultArgs {
  readonly fault?: string;
  readonly 'fault-rate'?: string;
  readonly 'fault-target'?: string;
  readonly 'bytes-per-write'?: string;
  readonly 'interval-ms'?: string;
  readonly 'fault-duration-ms'?: string;
}

/** `--fault KIND [--fault-rate R] …` → a validated Fault (undefined without `--fault`); a bad value is a UsageError. */
export function parseFault(args: FaultArgs): Fault | undefined {
  if (args.fault === undefined) {
    const stray = Object.entries(args).find(([, v]) => v !== undefined);
    if (stray) throw new UsageError(`--${stray[0]} needs --fault KIND`);
    return undefined;
  }
  const num = (v: string | undefined) => (v === undefined ? undefined : Number(v));
  const fault = {
    kind: args.fault as FaultKind,
    rate: num(args['fault-rate']),
    target: args['fault-target'],
    bytesPerWrite: num(args['bytes-per-write']),
    intervalMs: num(args['interval-ms']),
    durationMs: num(args['fault-duration-ms']),
  };
  const defined = Object.fromEntries(Object.entries(fault).filter(([, v]) => v !== undefined));
  try {
    validateFault(defined);
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  return defined as unknown as Fault;
}
