/**
 * Copies a value (the redirect URI to register) and says so. If the clipboard is refused, says how to
 * copy by hand instead of failing silently.
 */
import { useEffect, useState } from 'react';

type CopyState = 'idle' | 'copied' | 'failed';

export function CopyButton({ text, label }: { text: string; label: string }) {
  const [state, setState] = useState<CopyState>('idle');

  useEffect(() => {
    if (state === 'idle') return;
    const t = setTimeout(() => setState('idle'), 4000);
    return () => clearTimeout(t);
  }, [state]);

  const copy = async () => {
    try {
      await navigator.clipboard.writeText(text);
      setState('copied');
    } catch {
      setState('failed');
    }
  };

  return (
    <span className="copy">
      <button type="button" className="button button-small" onClick={() => void copy()}>
        <svg width="14" height="14" viewBox="0 0 14 14" aria-hidden="true" focusable="false">
          <rect
            x="4.5"
            y="4.5"
            width="8"
            height="8"
            rx="1.5"
            fill="none"
            stroke="currentColor"
            strokeWidth="1.4"
          />
          <path
            d="M9.5 2.5V2A1 1 0 0 0 8.5 1H2.5a1 1 0 0 0-1 1v6a1 1 0 0 0 1 1H3"
            fill="none"
            stroke="currentColor"
            strokeWidth="1.4"
          />
        </svg>
        {label}
      </button>
      <span className="copy-status" role="status">
        {state === 'copied'
          ? 'Copied'
          : state === 'failed'
            ? 'Could not copy: select the text and press Ctrl+C'
            : ''}
      </span>
    </span>
  );
}
