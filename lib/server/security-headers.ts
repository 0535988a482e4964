/**
 * Security headers on every HTTP answer of the console (issue 14), set by the server before
 * Next, the machine fast path or the origin check write anything. Pages replace the CSP with
 * their nonce-carrying one (proxy.ts, content-security-policy.ts).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { NON_PAGE_CONTENT_SECURITY_POLICY } from './content-security-policy';

/** One year; sent only over https (a browser ignores it over http anyway). */
const HSTS = 'max-age=31536000; includeSubDomains';

/** True when the browser reached the console over https: a TLS socket, or a proxy that says so. */
export function servedOverHttps(req: IncomingMessage, publicUrlIsHttps: boolean): boolean {
  if (publicUrlIsHttps) return true;
  if ('encrypted' in req.socket && req.socket.encrypted) return true;
  const forwarded = req.headers['x-forwarded-proto'];
  return typeof forwarded === 'string' && forwarded.split(',')[0]!.trim() === 'https';
}

export function setSecurityHeaders(req: IncomingMessage, res: ServerResponse, publicUrlIsHttps: boolean): void {
  res.setHeader('Content-Security-Policy', NON_PAGE_CONTENT_SECURITY_POLICY);
  res.setHeader('X-Frame-Options', 'DENY');
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Referrer-Policy', 'strict-origin-when-cross-origin');
  res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
  res.setHeader('Permissions-Policy', 'camera=(), microphone=(), geolocation=(), payment=(), usb=()');
  if (servedOverHttps(req, publicUrlIsHttps)) res.setHeader('Strict-Transport-Security', HSTS);
}
