/**
 * The `Host` header values the dashboard answers (DNS rebinding defence: a page on another site that resolves its
 * own name to 127.0.0.1 still sends its own name as `Host`): `127.0.0.1:PORT`, `localhost:PORT`, `[::1]:PORT` and
 * each extra name given with `--host`, with `:PORT`, lower-cased: test `allowed.has(host.toLowerCase())`.
 */
export function hostAllowList(port: number, extraNames: readonly string[] = []): ReadonlySet<string> {
  const names = ['127.0.0.1', 'localhost', '[::1]', ...extraNames.map(bracketIpv6)];
  return new Set(names.map((n) => `${n.toLowerCase()}:${port}`));
}

const bracketIpv6 = (name: string) => (name.includes(':') && !name.startsWith('[') ? `[${name}]` : name);
