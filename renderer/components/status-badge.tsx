import type { TokenStatus } from '../../shared/status';
import { STATUS_LABEL } from '../account-status';

/** A shape per status as well as a colour, so the badge reads without colour vision. */
function StatusIcon({ status }: { status: TokenStatus }) {
  const common = {
    className: 'status-icon',
    width: 12,
    height: 12,
    viewBox: '0 0 12 12',
    'aria-hidden': true,
    focusable: false,
  } as const;
  switch (status) {
    case 'valid':
      return (
        <svg {...common}>
          <path d="M2 6.5 4.8 9 10 3" fill="none" strokeWidth="2" stroke="currentColor" />
        </svg>
      );
    case 'expiring':
      return (
        <svg {...common}>
          <circle cx="6" cy="6" r="4.5" fill="none" stroke="currentColor" strokeWidth="1.6" />
          <path d="M6 3.2V6l2 1.3" fill="none" stroke="currentColor" strokeWidth="1.6" />
        </svg>
      );
    case 'critical':
      return (
        <svg {...common}>
          <path d="M6 1 11.5 11h-11z" fill="currentColor" />
        </svg>
      );
    case 'expired':
    case 'revoked':
      return (
        <svg {...common}>
          <path d="m2.5 2.5 7 7m0-7-7 7" fill="none" stroke="currentColor" strokeWidth="2" />
        </svg>
      );
    case 'none':
      return (
        <svg {...common}>
          <circle cx="6" cy="6" r="4.2" fill="none" stroke="currentColor" strokeWidth="1.6" />
        </svg>
      );
  }
}

export function StatusBadge({ status }: { status: TokenStatus }) {
  return (
    <span className={`status-badge status-${status}`} data-status={status}>
      <StatusIcon status={status} />
      {STATUS_LABEL[status]}
    </span>
  );
}
