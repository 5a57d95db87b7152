'use client';

import { useState } from 'react';

export type ThemeChoice = 'light' | 'dark' | 'system';

const COOKIE = 'theme';

function apply(choice: ThemeChoice) {
  const root = document.documentElement;
  root.classList.toggle('dark', choice === 'dark');
  root.classList.toggle('light', choice === 'light');
  root.style.colorScheme = choice === 'system' ? 'light dark' : choice;
  document.cookie =
    choice === 'system'
      ? `${COOKIE}=; path=/; max-age=0; samesite=lax`
      : `${COOKIE}=${choice}; path=/; max-age=31536000; samesite=lax`;
}

/**
 * The theme follows the system until the user picks one; the pick is kept in a cookie the server reads.
 * The server cannot know the system preference, so both buttons are rendered and CSS (the `dark:`
 * variant, which also answers to prefers-color-scheme) shows the one that switches away from what is shown.
 */
export function ThemeToggle({ initial }: { initial: ThemeChoice }) {
  const [choice, setChoice] = useState(initial);
  const pick = (c: ThemeChoice) => {
    apply(c);
    setChoice(c);
  };
  const cls =
    'rounded-tremor-small border border-tremor-border px-2 py-1 text-tremor-label dark:border-dark-tremor-border';
  return (
    <span className="flex items-center gap-1" data-theme-choice={choice}>
      <button
        type="button"
        onClick={() => pick('dark')}
        aria-label="Switch to dark theme"
        className={`${cls} dark:hidden`}
      >
        ☾ Dark
      </button>
      <button
        type="button"
        onClick={() => pick('light')}
        aria-label="Switch to light theme"
        className={`${cls} hidden dark:inline-block`}
      >
        ☀ Light
      </button>
      {choice !== 'system' && (
        <button type="button" onClick={() => pick('system')} aria-label="Follow the system theme" className={cls}>
          Auto
        </button>
      )}
    </span>
  );
}
