import type { ReactNode } from 'react';
import type { ReadinessState, ReadinessTone } from '../../shared/readiness';

/** A shape per readiness as well as a colour, so the badge reads without colour vision. */
function ReadinessIcon({ state }: { state: ReadinessState }) {
  const common = {
    className: 'status-icon',
    width: 12,
    height: 12,
    viewBox: '0 0 12 12',
    'aria-hidden': true,
    focusable: false,
  } as const;
  switch (state) {
    case 'ready':
      return (
        <svg {...common}>
          <path d="M2 6.5 4.8 9 10 3" fill="none" strokeWidth="2" stroke="currentColor" />
        </svg>
      );
    case 'renewing':
      return (
        <svg {...common}>
          <path d="M9.5 4A4 4 0 1 0 10 7" fill="none" stroke="currentColor" strokeWidth="1.6" />
          <path d="M10.5 1.5V4.5H7.5" fill="none" stroke="currentColor" strokeWidth="1.6" />
        </svg>
      );
    case 'wait':
      return (
        <svg {...common}>
          <circle cx="6" cy="6" r="4.5" fill="none" stroke="currentColor" strokeWidth="1.6" />
          <path d="M6 3.2V6l2 1.3" fill="none" stroke="currentColor" strokeWidth="1.6" />
        </svg>
      );
    case 'needs-login':
      return (
        <svg {...common}>
          <path d="M6 1 11.5 11h-11z" fill="currentColor" />
        </svg>
      );
    case 'broken':
      return (
        <svg {...common}>
          <path d="m2.5 2.5 7 7m0-7-7 7" fill="none" stroke="currentColor" strokeWidth="2" />
        </svg>
      );
  }
}

export function StatusBadge({
  tone,
  state,
  children,
}: {
  tone: ReadinessTone;
  state: ReadinessState;
  children: ReactNode;
}) {
  return (
    <span className={`status-badge tone-${tone}`} data-readiness={state}>
      <ReadinessIcon state={state} />
      {children}
    </span>
  );
}
