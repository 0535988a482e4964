import { BlockList, isIP, isIPv6 } from 'node:net';

/**
 * The header `server.ts` sets on every request from the socket's peer address. It overwrites any
 * value a client sends, so route handlers can trust it (unlike X-Forwarded-For).
 */
export const CLIENT_ADDRESS_HEADER = 'x-twinops-client-address';

/** Node's header record, or anything with the fetch `Headers.get` (Headers, the fast path's reader). */
type HeaderBag = Record<string, string | string[] | undefined> | { get(name: string): string | null } | undefined;

export function clientAddressFromHeaders(headers: HeaderBag): string {
  if (!headers) return 'unknown';
  const value =
    typeof headers.get === 'function'
      ? (headers as { get(name: string): string | null }).get(CLIENT_ADDRESS_HEADER)
      : (headers as Record<string, string | string[] | undefined>)[CLIENT_ADDRESS_HEADER];
  const first = Array.isArray(value) ? value[0] : value;
  return first && first.length <= 64 ? first : 'unknown';
}

/**
 * Which peers are proxies whose X-Forwarded-For is believed (TRUSTED_PROXIES: addresses or CIDR
 * ranges, e.g. the load balancer of a cluster). Empty: no peer is (the default, embedded case).
 */
export function trustedProxies(entries: readonly string[]): BlockList {
  const list = new BlockList();
  for (const entry of entries) {
    const [address, bits] = entry.split('/');
    const family = isIPv6(address!) ? 'ipv6' : 'ipv4';
    if (bits === undefined) list.addAddress(address!, family);
    else list.addSubnet(address!, Number(bits), family);
  }
  return list;
}

const isTrusted = (list: BlockList, address: string) => {
  // Node reports IPv4 peers of a dual-stack socket as ::ffff:a.b.c.d.
  const v4 = address.startsWith('::ffff:') ? address.slice(7) : address;
  return isIP(v4) !== 0 && list.check(v4, isIPv6(v4) ? 'ipv6' : 'ipv4');
};

/**
 * The client's address: the socket's peer, unless the peer is a trusted proxy; then the nearest
 * X-Forwarded-For entry that is not itself a trusted proxy (entries further left were written by
 * the client or by proxies we know nothing of, so they are never believed).
 */
export function clientAddressOf(
  peer: string | undefined,
  forwardedFor: string | string[] | undefined,
  trusted: BlockList,
): string {
  if (!peer) return 'unknown';
  if (!forwardedFor || !isTrusted(trusted, peer)) return peer;
  const hops = (Array.isArray(forwardedFor) ? forwardedFor.join(',') : forwardedFor)
    .split(',')
    .map((h) => h.trim())
    .filter(Boolean);
  for (let i = hops.length - 1; i >= 0; i--) {
    const hop = hops[i]!;
    if (isIP(hop) === 0) return peer;
    if (!isTrusted(trusted, hop)) return hop;
  }
  return hops[0] ?? peer;
}
