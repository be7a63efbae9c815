import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { AlertChannelsSettings } from '../../renderer/components/alert-channels-settings';
import { preferencesSchema, type Preferences } from '../../shared/domain';
import type { AlertChannelStatus } from '../../shared/alert-settings';
import type { CommandResult, TokenTrayApi } from '../../shared/ipc-contract';

vi.setConfig({ testTimeout: 20_000 });

const BOT_TOKEN = '123456789:FAKE-ui-test-token_abcdefghijklmn';

function statusOf(channel: 'telegram' | 'webhook', over: Partial<AlertChannelStatus> = {}) {
  return {
    channel,
    enabled: false,
    hasSecret: false,
    lastSuccessAt: null,
    lastErrorAt: null,
    lastError: null,
    pending: 0,
    ...over,
  } satisfies AlertChannelStatus;
}

function fakeApi() {
  const setAlertSecret = vi.fn((_req: unknown) => Promise.resolve({ ok: true } as CommandResult));
  const sendTestAlert = vi.fn((_req: unknown) =>
    Promise.resolve(statusOf('telegram', { lastSuccessAt: '2026-12-01T03:20:00.000Z' })),
  );
  const api = {
    getAlertChannels: () =>
      Promise.resolve([
        statusOf('telegram', {
          hasSecret: true,
          lastErrorAt: '2026-12-01T03:15:00.000Z',
          lastError: 'Telegram rejected the bot token (Unauthorized).',
        }),
        statusOf('webhook'),
      ]),
    setAlertSecret,
    sendTestAlert,
  } as unknown as TokenTrayApi; // only the alert functions are used by this view
  return { api, setAlertSecret, sendTestAlert };
}

describe('Settings → Alert channels', () => {
  it('saves chat id, kinds and summary time into preferences, the bot token only to the keychain', async () => {
    const user = userEvent.setup();
    const { api, setAlertSecret } = fakeApi();
    const prefs: Preferences = preferencesSchema.parse({ localApi: { enabled: true, port: 5056 } });
    const onSave = vi.fn((_p: Preferences) => Promise.resolve({ ok: true } as CommandResult));
    render(<AlertChannelsSettings api={api} preferences={prefs} onSave={onSave} />);

    const telegram = screen.getByRole('group', { name: 'Telegram' });
    expect(await within(telegram).findByText(/last error .*rejected the bot token/)).toBeVisible();
    await user.click(within(telegram).getByRole('checkbox', { name: 'Send alerts by Telegram' }));
    await user.type(within(telegram).getByLabelText('Chat id'), '-1001234567890');
    await user.type(within(telegram).getByLabelText('Bot token'), BOT_TOKEN);
    await user.click(within(telegram).getByRole('checkbox', { name: 'Revoked tokens' }));
    await user.click(screen.getByRole('button', { name: 'Save alert channels' }));

    expect(setAlertSecret).toHaveBeenCalledWith({ channel: 'telegram', value: BOT_TOKEN });
    expect(onSave).toHaveBeenCalledTimes(1);
    const saved = onSave.mock.calls[0]![0];
    expect(saved.localApi).toEqual({ enabled: true, port: 5056 }); // other sections kept
    expect(saved.alerts).toEqual({
      morningSummary: '08:45',
      telegram: {
        enabled: true,
        chatId: '-1001234567890',
        kinds: ['morning-summary', 'failure', 'refresh-token'],
      },
    });
    expect(JSON.stringify(saved)).not.toContain(BOT_TOKEN);
    expect(within(telegram).getByLabelText('Bot token')).toHaveValue('');
    expect(await screen.findByText('Alert channels saved')).toBeVisible();
  });

  it('refuses a chat id that is not one, naming the field; nothing is saved', async () => {
    const user = userEvent.setup();
    const onSave = vi.fn(() => Promise.resolve({ ok: true } as CommandResult));
    render(
      <AlertChannelsSettings
        api={fakeApi().api}
        preferences={preferencesSchema.parse({})}
        onSave={onSave}
      />,
    );
    const telegram = screen.getByRole('group', { name: 'Telegram' });
    await user.type(within(telegram).getByLabelText('Chat id'), 'my chat');
    await user.click(screen.getByRole('button', { name: 'Save alert channels' }));
    expect(await screen.findByRole('alert')).toHaveTextContent(
      /^Telegram chat id: a chat id is a number/,
    );
    expect(onSave).not.toHaveBeenCalled();
  });

  it('Send test message shows the outcome and the new last success', async () => {
    const user = userEvent.setup();
    const { api, sendTestAlert } = fakeApi();
    render(
      <AlertChannelsSettings
        api={api}
        preferences={preferencesSchema.parse({})}
        onSave={vi.fn()}
      />,
    );
    const telegram = screen.getByRole('group', { name: 'Telegram' });
    await within(telegram).findByText(/last error/);
    await user.click(
      within(telegram).getByRole('button', { name: 'Send test message by Telegram' }),
    );
    expect(sendTestAlert).toHaveBeenCalledWith({ channel: 'telegram' });
    expect(await screen.findByText('Telegram: test message sent')).toBeVisible();
    expect(screen.getByTestId('telegram-status')).not.toHaveTextContent('Last sent: never');
  });
});
