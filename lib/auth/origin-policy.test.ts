import { describe, expect, it } from 'vitest';
import { createOriginPolicy, parseAllowedOrigins } from './origin-policy';

const policy = createOriginPolicy({
  publicUrl: 'http://console.plant:3000',
  allowedOrigins: parseAllowedOrigins(' https://hmi.plant:8443 , '),
});
const cookie = 'next-auth.session-token=abc';

describe('origin policy', () => {
  it('lets the console own origin, the configured ones and the addressed host change state', () => {
    expect(policy.checkRequest('POST', { cookie, origin: 'http://console.plant:3000' }).ok).toBe(true);
    expect(policy.checkRequest('DELETE', { cookie, origin: 'https://hmi.plant:8443' }).ok).toBe(true);
    // Reached by another name than NEXTAUTH_URL (e.g. its address): the Host the browser used.
    expect(policy.checkRequest('POST', { cookie, origin: 'http://10.0.0.5:3000', host: '10.0.0.5:3000' }).ok).toBe(
      true,
    );
  });

  it('refuses a same-site page on another port or subdomain riding on the cookie', () => {
    const verdict = policy.checkRequest('POST', {
      cookie,
      origin: 'http://console.plant:8080',
      host: 'console.plant:3000',
    });
    expect(verdict).toEqual({ ok: false, reason: 'origin http://console.plant:8080 is not allowed' });
    expect(policy.checkRequest('PATCH', { cookie, origin: 'http://wiki.plant', host: 'console.plant:3000' }).ok).toBe(
      false,
    );
    expect(policy.checkRequest('POST', { cookie, origin: 'null', host: 'console.plant:3000' }).ok).toBe(false);
    // No Origin but the browser says it came from another site.
    expect(policy.checkRequest('POST', { cookie, 'sec-fetch-site': 'same-site' }).ok).toBe(false);
  });

  it('leaves reads, bearer calls and cookie-less clients alone', () => {
    expect(policy.checkRequest('GET', { cookie, origin: 'http://evil.example' }).ok).toBe(true);
    expect(policy.checkRequest('POST', { origin: 'http://evil.example' }).ok).toBe(true);
    expect(
      policy.checkRequest('POST', { cookie, authorization: 'Bearer twk_x', origin: 'http://evil.example' }).ok,
    ).toBe(true);
    expect(policy.checkRequest('POST', { cookie }).ok).toBe(true);
    expect(policy.checkRequest('POST', { cookie, 'sec-fetch-site': 'same-origin' }).ok).toBe(true);
  });

  it('checks every socket handshake, cookie or not', () => {
    expect(policy.checkHandshake({ origin: 'http://console.plant:3000' }).ok).toBe(true);
    expect(policy.checkHandshake({ origin: 'http://console.plant:8080', host: 'console.plant:3000' }).ok).toBe(false);
    expect(policy.checkHandshake({}).ok).toBe(true);
  });
});
