import { describe, expect, it } from 'vitest';
import { plotText } from './theme';

describe('plotText', () => {
  it('escapes the characters Plotly reads as tags and entities', () => {
    expect(plotText('<a href="https://evil.example/">Yield</a>')).toBe(
      '&lt;a href=&quot;https://evil.example/&quot;&gt;Yield&lt;/a&gt;',
    );
    expect(plotText('Temperature (°C) & "feed"')).toBe('Temperature (°C) &amp; &quot;feed&quot;');
  });
});
