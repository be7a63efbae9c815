/**
 * Alert channels over a simulated trading week (issue 13), on the FakeClock: messages per channel per
 * IST day (goal: one morning summary on each trading day plus failures only; on holidays and weekends
 * nothing but failures), and how late the summary is after the laptop slept through 08:45.
 *
 * Week of Mon 2026-11-30 with Wed 2026-12-02 marked a holiday; 4 accounts, all ready each morning.
 * Failures injected: Tue 06:05 an automatic FYERS refresh fails (and is reported twice, as a retry
 * would: one message), Wed (holiday) 10:00 an export fails, Thu 11:00 a token is revoked. Fri: the
 * machine sleeps 08:00–10:30 IST and the resume event is lost (the worst case). Telegram subscribes to
 * everything; the webhook to failures and revocations only. Delivery goes to counting senders: the
 * bench measures the policy, the tests (test/alerts/) the wire.
 */
import { AlertChannels, type Alert } from '../../electron/core/alerts/channels';
import { silentLogger } from '../../electron/core/ports';
import type { AlertChannelId } from '../../shared/alert-settings';
import { istDate, istTimeOnDate, isTradingDay } from '../../shared/calendar';
import { preferencesSchema, type AccountView } from '../../shared/domain';
import { FakeClock } from '../../test/helpers/fake-clock';
import { createMemorySecretStore } from '../../test/helpers/memory-secret-store';
import { snapshotOf, view, withToken } from '../../test/alerts/views';

const MIN = 60_000;
const H = 60 * MIN;

export async function run(log: (line: string) => void): Promise<void> {
  const start = new Date('2026-11-29T18:30:00Z'); // Mon 2026-11-30 00:00 IST
  const clock = new FakeClock(start);
  const holidays = ['2026-12-02'];
  const prefs = preferencesSchema.parse({
    holidays,
    alerts: {
      telegram: { enabled: true, chatId: '42' },
      webhook: {
        enabled: true,
        url: 'https://hooks.example.invalid/tokentray',
        kinds: ['failure', 'revoked'],
      },
    },
  });
  const accounts = (): AccountView[] => {
    const now = clock.now();
    const until = new Date(now.getTime() + 18 * H);
    return [
      withToken(view('upstox', 'Personal'), now, until),
      withToken(view('kite', 'Options'), now, until),
      withToken(view('fyers', 'Main'), now, until),
      withToken(view('upstox', 'Second'), now, until),
    ];
  };
  const sent: { channel: AlertChannelId; alert: Alert }[] = [];
  const counting = (channel: AlertChannelId) => (alert: Alert) => {
    sent.push({ channel, alert });
    return Promise.resolve({ ok: true as const });
  };
  const channels = new AlertChannels({
    clock,
    logger: silentLogger,
    secrets: createMemorySecretStore(),
    preferences: () => prefs,
    snapshot: () => snapshotOf(accounts(), clock.now()),
    senders: { telegram: counting('telegram'), webhook: counting('webhook') },
  });
  const at = (day: string, hhmm: string) => istTimeOnDate(new Date(`${day}T06:30:00Z`), hhmm);
  const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

  channels.start();
  const events: [Date, () => void][] = [
    [
      at('2026-12-01', '06:05'),
      () => {
        channels.autoRefreshFailed('fyers-main', 'FYERS did not answer (HTTP 503).');
        channels.autoRefreshFailed('fyers-main', 'FYERS did not answer (HTTP 503).');
      },
    ],
    [
      at('2026-12-02', '10:00'),
      () =>
        channels.handleNotice({
          kind: 'export-failed',
          accountId: 'kite-options',
          message: 'Could not write /home/me/bot/.env: permission denied.',
        }),
    ],
    [
      at('2026-12-03', '11:00'),
      () => channels.handleNotice({ kind: 'revoked', accountId: 'upstox-second', message: '' }),
    ],
  ];
  for (const [when, fire] of events) {
    clock.advanceTo(when);
    fire();
    await settle();
  }
  // Friday: asleep 08:00–10:30 IST, resume event lost: the next ≤ 60 s timer sends it, late.
  clock.advanceTo(at('2026-12-04', '08:00'));
  await settle();
  clock.suspend(2.5 * H);
  clock.advance(MIN);
  await settle();
  clock.advanceTo(new Date(start.getTime() + 7 * 24 * H));
  await settle();
  channels.stop();

  log('IST day          trading  telegram (summary+other)  webhook');
  for (let d = 0; d < 7; d++) {
    const day = istDate(new Date(start.getTime() + d * 24 * H + H));
    const onDay = sent.filter((s) => istDate(s.alert.at) === day);
    const count = (c: AlertChannelId, kind?: string) =>
      onDay.filter((s) => s.channel === c && (kind ? s.alert.kind === kind : true)).length;
    const tg = count('telegram');
    const summaries = count('telegram', 'morning-summary');
    const trading = isTradingDay(new Date(`${day}T06:30:00Z`), holidays);
    log(
      `${day}       ${trading ? 'yes' : 'no '}      ${String(tg).padStart(2)} (${summaries}+${tg - summaries})                  ${count('webhook')}`,
    );
  }
  const lateness = channels.summary.lateness.map((ms) => Math.round(ms / 1000));
  log(`summary lateness per trading day (s): ${lateness.join(', ')}`);
  const lastLate = lateness.at(-1) ?? 0;
  const wokeAfter = 105 * 60; // 10:30 is 105 min after 08:45
  log(
    `Fri slept 08:00–10:30, resume event lost: summary ${Math.round(lastLate / 60)} min after 08:45, i.e. ${lastLate - wokeAfter} s after waking (bound: 60 s; with the resume event: 0 s)`,
  );
  const late = sent.filter((s) => s.alert.late).length;
  log(`summaries marked late: ${late} (goal 1)`);
}
