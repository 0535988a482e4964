'use client';

import { useState } from 'react';
import { errorMessage, requestJson } from '@/lib/client/api-client';
import { THEME_LABELS, THEMES, isThemeName, type ThemeName } from '@/lib/display/themes';

/**
 * The display theme, saved in the user's preferences (PUT /api/v1/me/preferences) so every page
 * and device of that user shows it; applied to this page at once (the server applies it to every
 * page it renders from then on).
 */
export function ThemeSelect({ initial }: { initial: ThemeName }) {
  const [theme, setTheme] = useState<ThemeName>(initial);
  const [problem, setProblem] = useState<string | null>(null);

  const choose = (next: ThemeName) => {
    const before = theme;
    setTheme(next);
    setProblem(null);
    document.documentElement.dataset.theme = next;
    requestJson('/api/v1/me/preferences', { method: 'PUT', json: { theme: next } }).catch((err: unknown) => {
      // Not saved: show the theme that is still stored.
      setTheme(before);
      document.documentElement.dataset.theme = before;
      setProblem(errorMessage(err));
    });
  };

  return (
    <label className="field">
      <span>Theme</span>
      <select
        value={theme}
        onChange={(e) => isThemeName(e.target.value) && choose(e.target.value)}
        aria-describedby={problem ? 'theme-problem' : 'theme-help'}
      >
        {THEMES.map((t) => (
          <option key={t} value={t}>
            {THEME_LABELS[t]}
          </option>
        ))}
      </select>
      <small id="theme-help" className="muted">
        Every theme draws trends in colours told apart with colour-blindness; the HMI theme keeps colour for alarms.
      </small>
      {problem ? (
        <small id="theme-problem" className="error" role="alert">
          {problem}
        </small>
      ) : null}
    </label>
  );
}
