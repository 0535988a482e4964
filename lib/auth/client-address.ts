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
