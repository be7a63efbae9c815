/**
 * Turns the machine's power and clock events into the app's PowerEvents:
 * - powerMonitor `suspend`, `resume`, `unlock-screen` (Electron docs, powerMonitor) pass straight on;
 *   `resume` and `unlock-screen` make the app recompute every status and timer and re-validate.
 * - 'clock-changed' has no Electron event: core's ClockJumpDetector compares the wall clock with a
 *   monotonic one every 15 s and reports a jump (manual time change, NTP step, VM restore). After a
 *   resume it is re-based, so one wake-up is not reported twice.
 * - `shutdown` (Linux, macOS) lets the app stop cleanly before the OS kills it.
 * - Platform-only events are listened to only where Electron emits them (electron.d.ts):
 *   `unlock-screen` is macOS/Windows only — on Linux a locked screen without suspend keeps the timers
 *   running, and a suspend is caught by `resume` and the clock-jump detector; `shutdown` is
 *   Linux/macOS only (Windows ends the app through its session-end handling).
 */
import { powerMonitor } from 'electron';
import { performance } from 'node:perf_hooks';
import type { PowerEvent } from '../core/app/app-ports';
import { ClockJumpDetector } from '../core/lifecycle/clock-jump-detector';
import type { Logger } from '../core/ports';

export function watchPower(
  onEvent: (event: PowerEvent) => void,
  logger: Logger,
  onShutdown?: () => void,
  platform: NodeJS.Platform = process.platform,
): () => void {
  const hasUnlock = platform === 'darwin' || platform === 'win32';
  const hasShutdown = platform === 'linux' || platform === 'darwin';
  const detector = new ClockJumpDetector({
    wallNow: () => Date.now(),
    monotonicNow: () => performance.now(),
    onJump: (deltaMs) => {
      logger.info('power: the wall clock jumped; recomputing', {
        deltaSeconds: Math.round(deltaMs / 1000),
      });
      onEvent('clock-changed');
    },
  });

  const onSuspend = () => {
    logger.info('power: suspend');
    onEvent('suspend');
  };
  const onResume = () => {
    logger.info('power: resume');
    detector.rebase();
    onEvent('resume');
  };
  const onUnlock = () => {
    detector.sample();
    onEvent('unlock-screen');
  };
  const onPowerShutdown = () => onShutdown?.();

  powerMonitor.on('suspend', onSuspend);
  powerMonitor.on('resume', onResume);
  if (hasUnlock) powerMonitor.on('unlock-screen', onUnlock);
  if (hasShutdown) powerMonitor.on('shutdown', onPowerShutdown);
  detector.start();

  return () => {
    detector.stop();
    powerMonitor.removeListener('suspend', onSuspend);
    powerMonitor.removeListener('resume', onResume);
    if (hasUnlock) powerMonitor.removeListener('unlock-screen', onUnlock);
    if (hasShutdown) powerMonitor.removeListener('shutdown', onPowerShutdown);
  };
}
