import { describe, expect, it } from 'vitest';
import { safeCallbackUrl } from './callback-url';

/** Where a browser would go from the console's origin for a Location of `target`. */
const landsOn = (target: string) => new URL(target, 'http://localhost:3000');

describe('safeCallbackUrl', () => {
  it('keeps same-origin paths with their query', () => {
    expect(safeCallbackUrl('/history?range=day')).toBe('/history?range=day');
    expect(safeCallbackUrl('/alerts#open')).toBe('/alerts#open');
    expect(safeCallbackUrl('http://localhost:3000/alerts?x=1')).toBe('/alerts?x=1');
    expect(safeCallbackUrl('/assets/reactor-1%2Fx')).toBe('/assets/reactor-1%2Fx');
  });

  const bypasses = [
    '//evil.example',
    '/\\evil.example',
    '\\\\evil.example',
    '\\/evil.example',
    '/\t/evil.example',
    '/%09/evil.example',
    '/\n/evil.example',
    '/\r\n/evil.example',
    '/\r/evil.example',
    '\t//evil.example',
    ' //evil.example',
    '/ /evil.example',
    '/\u0000/evil.example',
    '/\u000b/evil.example',
    '/\u007f/evil.example',
    '/\t\\evil.example',
    '//\tevil.example',
    '///evil.example',
    '/\\/evil.example',
    '/.//evil.example',
    'javascript:alert(1)',
    'JaVaScRiPt:alert(1)',
    ' javascript:alert(1)',
    '\tjavascript:alert(1)',
    'java\nscript:alert(1)',
    'data:text/html,<script>alert(1)</script>',
    'vbscript:msgbox(1)',
    'evil.example',
    'https:evil.example',
    'http:/evil.example',
    'http:\\\\evil.example',
    'https://evil.example',
    'http://localhost:3000@evil.example',
    '/login?callbackUrl=/',
    '/login',
  ];

  it('never yields a target that leaves the origin or loops back to login', () => {
    for (const bad of bypasses) {
      const out = safeCallbackUrl(bad);
      const target = landsOn(out);
      expect(target.origin, JSON.stringify(bad)).toBe('http://localhost:3000');
      expect(target.pathname.startsWith('/login'), JSON.stringify(bad)).toBe(false);
      // The answer itself holds nothing a browser would drop or reinterpret.
      expect(out, JSON.stringify(bad)).toMatch(/^\/(?![/\\])[^\s\\\u0000-\u001f\u007f]*$/);
    }
    expect(safeCallbackUrl(undefined)).toBe('/');
    expect(safeCallbackUrl('')).toBe('/');
  });

  it('refuses the tab/newline and doubled-slash forms outright (to "/")', () => {
    for (const bad of [
      '/\t/evil.example',
      '/%09/evil.example',
      '/\n/evil.example',
      '//evil.example',
      '/\\evil.example',
    ]) {
      expect(safeCallbackUrl(decodeURIComponent(bad)), JSON.stringify(bad)).toBe('/');
    }
  });
});
