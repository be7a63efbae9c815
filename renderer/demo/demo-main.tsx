/**
 * The demo page's entry: builds the scripted bridge from the URL, installs it as `window.tokentray`
 * (exactly where the preload puts the real one), then mounts the same app as index.html.
 *
 *   ?scenario=all-states|morning|healthy|first-run|problems
 *   &now=2026-11-25T09:05:00%2B05:30   demo clock start (default: the scenario's)
 *   &clock=frozen                      time stands still until tokentrayDemo.advance()/setNow()
 *   &latency=600                       how long each command takes (ms)
 *   &theme=light|dark|system           the saved theme preference
 *   &tz=Europe/London                  the "local" zone shown beside IST
 */
import { createRoot } from 'react-dom/client';
import { StrictMode } from 'react';
import { mountApp } from '../mount';
import { createDemoBridge, type DemoControls } from './demo-bridge';
import { DemoBar } from './demo-bar';
import { DemoClock } from './demo-clock';
import { scenarioById } from './scenarios';
import './demo.css';

declare global {
  interface Window {
    /** Test and demo-bar handle on the demo (never present in the real app). */
    tokentrayDemo?: DemoControls;
  }
}

const params = new URLSearchParams(window.location.search);
const scenario = scenarioById(params.get('scenario'));
const startParam = params.get('now');
const start = new Date(startParam ?? scenario.start).getTime();
const clock = new DemoClock(
  Number.isNaN(start) ? new Date(scenario.start).getTime() : start,
  params.get('clock') !== 'frozen',
);
const latency = Number(params.get('latency') ?? '600');
const state = scenario.build(clock.now());
const theme = params.get('theme');
if (theme === 'light' || theme === 'dark' || theme === 'system') state.preferences.theme = theme;

const bridge = createDemoBridge(scenario.id, state, clock, {
  latencyMs: Number.isFinite(latency) && latency >= 0 ? latency : 600,
});
window.tokentray = bridge.api;
window.tokentrayDemo = bridge.controls;

const bar = document.getElementById('demo-bar');
if (bar) {
  createRoot(bar).render(
    <StrictMode>
      <DemoBar scenario={scenario.id} clock={clock} />
    </StrictMode>,
  );
}

const tz = params.get('tz');
mountApp(window.tokentray, { clock, ...(tz ? { timeZone: tz } : {}) });
