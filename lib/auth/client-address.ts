/**
 * The header `server.ts` sets on every request from the socket's peer address. It overwrites any
 * value a client sends, so route handlers can trust it (unlike X-Forwarded-For).
 */
export const CLIENT_ADDRESS_HEADER = 'x-twinops-client-address';

type HeaderBag = Record<string, string | string[] | undefined> | Headers | undefined;

export function clientAddressFromHeaders(headers: HeaderBag): string {
  if (!headers) return 'unknown';
  const value = headers instanceof Headers ? headers.get(CLIENT_ADDRESS_HEADER) : headers[CLIENT_ADDRESS_HEADER];
  const first = Array.isArray(value) ? value[0] : value;
  return first && first.length <= 64 ? first : 'unknown';
}
