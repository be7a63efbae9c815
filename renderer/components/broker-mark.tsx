/**
 * Simple lettermarks for each broker, drawn inline (no image requests, nothing to trip the CSP).
 * Deliberately not the brokers' real logos: a coloured tile and a letter are enough to tell them apart.
 */
import type { BrokerId } from '../../shared/brokers';

const MARKS: Readonly<Record<BrokerId, { letter: string; className: string }>> = {
  upstox: { letter: 'U', className: 'mark-upstox' },
  kite: { letter: 'K', className: 'mark-kite' },
  fyers: { letter: 'F', className: 'mark-fyers' },
  angelone: { letter: 'A', className: 'mark-angelone' },
  dhan: { letter: 'D', className: 'mark-dhan' },
  fivepaisa: { letter: '5', className: 'mark-fivepaisa' },
  shoonya: { letter: 'S', className: 'mark-shoonya' },
  aliceblue: { letter: 'B', className: 'mark-aliceblue' },
  breeze: { letter: 'I', className: 'mark-breeze' },
  iifl: { letter: 'L', className: 'mark-iifl' },
};

export function BrokerMark({ broker, size = 36 }: { broker: BrokerId; size?: number }) {
  const mark = MARKS[broker];
  return (
    <svg
      className={`broker-mark ${mark.className}`}
      width={size}
      height={size}
      viewBox="0 0 36 36"
      aria-hidden="true"
      focusable="false"
    >
      <rect className="broker-mark-tile" x="0" y="0" width="36" height="36" rx="9" />
      <text className="broker-mark-letter" x="18" y="25" textAnchor="middle">
        {mark.letter}
      </text>
    </svg>
  );
}
