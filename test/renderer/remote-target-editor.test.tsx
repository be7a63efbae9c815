/**
 * The remote-target editor (issue 10): the SSH host key is pinned only after the user confirms the
 * fingerprint Test connection showed; what the form builds is what main's schema accepts; typed
 * secrets go to the keychain channel once, empty ones keep the stored secret.
 */
import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { useState } from 'react';
import { describe, expect, it, vi } from 'vitest';
import {
  buildRemoteTargets,
  RemoteTargetEditor,
  remoteDraftFrom,
  saveRemoteSecrets,
  type RemoteDraft,
} from '../../renderer/components/remote-target-editor';
import { App } from '../../renderer/app';
import { account, fakeApi, iso, manualClock, NOW, snapshot } from './fixtures';

const FINGERPRINT = 'SHA256:' + 'Q'.repeat(43);

function Harness({
  api,
  onDraft,
}: {
  api: ReturnType<typeof makeApi>;
  onDraft: (d: RemoteDraft) => void;
}) {
  const [draft, setDraft] = useState<RemoteDraft>(() => remoteDraftFrom([], 'upstox'));
  return (
    <RemoteTargetEditor
      api={api}
      accountId="upstox-main"
      broker="upstox"
      value={draft}
      errors={{}}
      onChange={(d) => {
        setDraft(d);
        onDraft(d);
      }}
    />
  );
}

function makeApi() {
  return {
    ...fakeApi(snapshot([])),
    testRemoteConnection: vi.fn(
      (req: { target: { kind: string; hostKeySha256?: string | null } }) =>
        Promise.resolve(
          req.target.kind === 'ssh' && !req.target.hostKeySha256
            ? {
                ok: false,
                message: `The server presents host key ${FINGERPRINT}.`,
                fingerprint: FINGERPRINT,
                needsConfirmation: true,
              }
            : { ok: true, message: 'Logged in.' },
        ),
    ),
    setRemoteSecret: vi.fn(() => Promise.resolve({ ok: true as const })),
  };
}

describe('remote target editor', () => {
  it('pins the SSH host key only when the user confirms the fingerprint', async () => {
    const api = makeApi();
    let draft: RemoteDraft | undefined;
    const user = userEvent.setup();
    render(<Harness api={api} onDraft={(d) => (draft = d)} />);
    await user.click(screen.getByRole('button', { name: 'Add remote target' }));
    await user.type(screen.getByLabelText('Host'), 'vps.example.com');
    await user.type(screen.getByLabelText('User'), 'bot');
    await user.type(screen.getByLabelText('File on the server'), '/home/bot/app/.env');
    await user.click(screen.getByRole('button', { name: 'Test connection' }));
    const status = await screen.findByRole('status');
    expect(status.textContent).toContain(FINGERPRINT);
    expect(draft?.targets[0]?.hostKeySha256).toBe('');
    await user.click(within(status).getByRole('button', { name: /pin it/ }));
    expect(draft?.targets[0]?.hostKeySha256).toBe(FINGERPRINT);
    const built = buildRemoteTargets(draft!);
    expect(built.ok && built.targets[0]).toMatchObject({
      kind: 'ssh',
      host: 'vps.example.com',
      username: 'bot',
      path: '/home/bot/app/.env',
      hostKeySha256: FINGERPRINT,
      auth: 'agent',
    });
  });

  it('names the field that is wrong, with the schema main uses', () => {
    const draft = remoteDraftFrom([], 'kite');
    const bad: RemoteDraft = {
      ...draft,
      targets: [
        {
          ...remoteDraftFrom(
            [{ kind: 'webhook', url: 'https://x.example/h', includeToken: false }],
            'kite',
          ).targets[0]!,
          url: 'http://bots.example.com/hook',
        },
      ],
    };
    const built = buildRemoteTargets(bad);
    expect(built.ok).toBe(false);
    expect(!built.ok && built.errors['remote.0.url']).toMatch(/https/);
  });

  it('sends only typed secrets to the keychain channel', async () => {
    const api = makeApi();
    const draft: RemoteDraft = {
      targets: [],
      secrets: { 'ssh-passphrase': '', 'redis-password': 'fake-typed-pw', 'webhook-secret': '' },
    };
    expect(await saveRemoteSecrets(api, 'kite-main', draft)).toBeNull();
    expect(api.setRemoteSecret).toHaveBeenCalledTimes(1);
    expect(api.setRemoteSecret).toHaveBeenCalledWith({
      id: 'kite-main',
      kind: 'redis-password',
      value: 'fake-typed-pw',
    });
  });
});

describe('account card with remote targets', () => {
  it('shows each remote target with its outcome and offers Retry delivery after a failure', async () => {
    const label = 'ssh://bot@vps.example.com:22/home/bot/app/.env';
    const api = {
      ...fakeApi(
        snapshot([
          account({
            remoteTargets: [
              {
                kind: 'ssh',
                host: 'vps.example.com',
                port: 22,
                username: 'bot',
                path: '/home/bot/app/.env',
                format: 'env',
                tokenKey: 'UPSTOX_ACCESS_TOKEN',
                expiresAtKey: 'UPSTOX_ACCESS_TOKEN_EXPIRES_AT',
                extra: {},
                auth: 'agent',
                hostKeySha256: FINGERPRINT,
              },
            ],
            lastExport: [
              {
                path: label,
                ok: false,
                at: iso(NOW),
                message: 'connection refused: is sshd running on that port?',
              },
            ],
          }),
        ]),
      ),
      retryDelivery: vi.fn(() => Promise.resolve({ ok: true as const })),
    };
    const user = userEvent.setup();
    render(<App api={api} clock={manualClock()} timeZone="Europe/London" />);
    const list = await screen.findByRole('list', { name: 'Remote targets' });
    expect(list.textContent).toContain(label);
    expect(list.textContent).toContain('not delivered: connection refused');
    await user.click(screen.getByRole('button', { name: /Retry delivery/ }));
    expect(api.retryDelivery).toHaveBeenCalledTimes(1);
  });
});
