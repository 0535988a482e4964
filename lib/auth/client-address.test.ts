import { describe, expect, it } from 'vitest';
import { loadConfig } from '../config/env';
import { clientAddressOf, trustedProxies } from './client-address';

describe('clientAddressOf (TRUSTED_PROXIES)', () => {
  const balancer = trustedProxies(['127.0.0.1', '10.0.0.0/8']);

  it('is the socket peer when no proxy is trusted, whatever X-Forwarded-For claims', () => {
    expect(clientAddressOf('192.0.2.7', '198.51.100.1', trustedProxies([]))).toBe('192.0.2.7');
    expect(clientAddressOf('127.0.0.1', '198.51.100.1', trustedProxies([]))).toBe('127.0.0.1');
  });

  it('is the forwarded client when the peer is a trusted balancer', () => {
    expect(clientAddressOf('127.0.0.1', '198.51.100.1', balancer)).toBe('198.51.100.1');
    expect(clientAddressOf('::ffff:10.1.2.3', '198.51.100.1', balancer)).toBe('198.51.100.1');
  });

  it('believes only the hops written by trusted proxies (the client cannot pick its address)', () => {
    // The client sent "X-Forwarded-For: 203.0.113.9"; the balancer appended the real peer.
    expect(clientAddressOf('127.0.0.1', '203.0.113.9, 198.51.100.1', balancer)).toBe('198.51.100.1');
    expect(clientAddressOf('127.0.0.1', ['203.0.113.9', '198.51.100.1, 10.0.0.5'], balancer)).toBe('198.51.100.1');
    // An untrusted peer's header is ignored entirely.
    expect(clientAddressOf('192.0.2.7', '127.0.0.1', balancer)).toBe('192.0.2.7');
    // Garbage in the header: the peer stands.
    expect(clientAddressOf('127.0.0.1', 'not-an-address', balancer)).toBe('127.0.0.1');
  });

  it('is configured by TRUSTED_PROXIES, refused when malformed with the variable named', () => {
    expect(loadConfig({ TRUSTED_PROXIES: '127.0.0.1, 172.16.0.0/12,::1' }).TRUSTED_PROXIES).toEqual([
      '127.0.0.1',
      '172.16.0.0/12',
      '::1',
    ]);
    expect(loadConfig({}).TRUSTED_PROXIES).toEqual([]);
    expect(() => loadConfig({ TRUSTED_PROXIES: 'balancer.local' })).toThrow(/TRUSTED_PROXIES/);
  });
});
