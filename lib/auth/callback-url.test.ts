import { describe, expect, it } from 'vitest';
import { safeCallbackUrl } from './callback-url';

describe('safeCallbackUrl', () => {
  it('keeps same-origin paths with their query', () => {
    expect(safeCallbackUrl('/history?range=day')).toBe('/history?range=day');
    expect(safeCallbackUrl('http://localhost:3000/alerts?x=1')).toBe('/alerts?x=1');
  });

  it('refuses anything that could leave the site or loop back to login', () => {
    for (const bad of [
      '//evil.example',
      '/\\evil.example',
      'javascript:alert(1)',
      'evil.example',
      '/login?callbackUrl=/',
    ]) {
      expect(safeCallbackUrl(bad), bad).toBe('/');
    }
    expect(safeCallbackUrl(undefined)).toBe('/');
  });
});
