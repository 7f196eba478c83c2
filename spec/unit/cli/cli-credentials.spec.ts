import { afterEach, describe, expect, it } from 'vitest';
import { cliCredentials, tokenVariable } from '../../../lib/cli/cli-credentials.js';

afterEach(() => {
  delete process.env[tokenVariable];
});

describe('cliCredentials', () => {
  it('--token, else QDB_ROUTER_AUTH_TOKEN, else none; an empty token is a usage error that does not print it', () => {
    expect(cliCredentials(undefined)).toBeUndefined();
    expect(cliCredentials('flag')?.()).toEqual({ token: 'flag' });
    process.env[tokenVariable] = 'env';
    expect(cliCredentials(undefined)?.()).toEqual({ token: 'env' });
    expect(cliCredentials('flag')?.()).toEqual({ token: 'flag' });
    expect(() => cliCredentials('')).toThrow(/empty/);
  });
});
