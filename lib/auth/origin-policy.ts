/**
 * Same-origin policy for cookie-authenticated requests and socket handshakes (issue 14).
 *
 * SameSite=Lax keeps other *sites* out, but a same-site origin (another port on the host, a
 * sibling subdomain on the plant network) still gets the session cookie attached. So a
 * state-changing request that rides on a cookie, and every socket handshake, must come from
 * the console's own origin (the one the browser addressed: its Host header, or NEXTAUTH_URL)
 * or from ALLOWED_ORIGINS.
 *
 * Browsers always send `Origin` on cross-origin POST/PUT/PATCH/DELETE and on WebSocket
 * handshakes, and `Sec-Fetch-Site` on every request. A request with neither comes from a
 * non-browser client (curl, a script), which no forged page can drive: it is let through and
 * its credentials decide. Requests with an `Authorization` header are exempt: a page on
 * another origin cannot add that header without a CORS preflight, which the console refuses.
 */
import type { IncomingHttpHeaders } from 'node:http';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export interface OriginPolicyOptions {
  /** The console's public URL (NEXTAUTH_URL or http://HOSTNAME:PORT). */
  publicUrl: string;
  /** Further origins allowed to use the console with a session cookie (e.g. another HMI host). */
  allowedOrigins?: readonly string[];
}

export type OriginVerdict = { ok: true } | { ok: false; reason: string };

export interface OriginPolicy {
  /** For an HTTP request: refuses a state-changing, cookie-authenticated request from a foreign origin. */
  checkRequest(method: string | undefined, headers: IncomingHttpHeaders): OriginVerdict;
  /** For a socket.io handshake (always cookie-authenticated). */
  checkHandshake(headers: IncomingHttpHeaders): OriginVerdict;
}

/** `https://Console.example:443/x` -> `https://console.example`; null when not an http(s) URL. */
export function normalizeOrigin(value: string): string | null {
  try {
    const url = new URL(value);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
    return url.origin;
  } catch {
    return null;
  }
}

export function createOriginPolicy({ publicUrl, allowedOrigins = [] }: OriginPolicyOptions): OriginPolicy {
  const allowed = new Set<string>();
  for (const origin of [publicUrl, ...allowedOrigins]) {
    const normalized = normalizeOrigin(origin);
    if (normalized) allowed.add(normalized);
  }

  const sameOrigin = (headers: IncomingHttpHeaders): OriginVerdict => {
    const origin = headers.origin;
    if (origin !== undefined) {
      const normalized = origin === 'null' ? null : normalizeOrigin(origin);
      if (!normalized) return { ok: false, reason: `origin ${JSON.stringify(origin.slice(0, 100))} is not allowed` };
      if (allowed.has(normalized)) return { ok: true };
      // The console as this browser addressed it (a victim's browser always sends the real Host).
      const host = headers['x-forwarded-host'] ?? headers.host;
      if (typeof host === 'string' && new URL(normalized).host === host.split(',')[0]!.trim().toLowerCase()) {
        return { ok: true };
      }
      return { ok: false, reason: `origin ${normalized} is not allowed` };
    }
    const site = headers['sec-fetch-site'];
    if (site === 'cross-site' || site === 'same-site') {
      return { ok: false, reason: `a ${site} request without an Origin is not allowed` };
    }
    return { ok: true };
  };

  return {
    checkRequest(method, headers) {
      if (SAFE_METHODS.has((method ?? 'GET').toUpperCase())) return { ok: true };
      if (!headers.cookie || headers.authorization) return { ok: true };
      return sameOrigin(headers);
    },
    checkHandshake: sameOrigin,
  };
}

/** ALLOWED_ORIGINS: a comma-separated list of origins; each entry must be an http(s) origin. */
export function parseAllowedOrigins(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean);
}
