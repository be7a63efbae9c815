/** The strip on top of the demo page: says it is fake, switches scenarios, moves the demo clock. */
import { useNow } from '../clock';
import { partsIn, IST } from '../time-format';
import type { DemoClock } from './demo-clock';
import { SCENARIOS } from './scenarios';

function demoClockText(now: number): string {
  const p = partsIn(now, IST);
  const seconds = String(Math.floor(now / 1000) % 60).padStart(2, '0');
  return p ? `${p.weekday} ${p.date} ${p.time}:${seconds}` : '';
}

export function DemoBar({ scenario, clock }: { scenario: string; clock: DemoClock }) {
  const now = useNow(clock);
  const choose = (id: string) => {
    const params = new URLSearchParams(window.location.search);
    params.set('scenario', id);
    params.delete('now');
    window.location.search = params.toString();
  };
  return (
    <aside className="demo-bar" aria-label="Demo controls">
      <strong>Demo</strong>
      <span className="demo-note">fake accounts and tokens; nothing leaves this page</span>
      <label>
        Scenario{' '}
        <select value={scenario} onChange={(e) => choose(e.target.value)}>
          {SCENARIOS.map((s) => (
            <option key={s.id} value={s.id}>
              {s.title}
            </option>
          ))}
        </select>
      </label>
      <span className="demo-clock">
        <time dateTime={new Date(now).toISOString()}>{demoClockText(now)} IST</time>
        <button type="button" onClick={() => clock.advance(15 * 60_000)}>
          +15 min
        </button>
        <button type="button" onClick={() => clock.advance(60 * 60_000)}>
          +1 h
        </button>
      </span>
    </aside>
  );
}
