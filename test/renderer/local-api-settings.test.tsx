/**
 * Settings → Local API and the desktop-limits note in the page: what the user sees and what is sent
 * to main. The IPC handler itself runs against the real local API in test/api/settings-local-api.test.ts.
 */
import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { DesktopNotices, LocalApiSettings } from '../../renderer/components/local-api-settings';
import type { LocalApiResult, TokenTrayApi } from '../../shared/ipc-contract';

vi.setConfig({ testTimeout: 20_000 });

const KEY = 'ttk_status_FAKEKEYFORTESTS_0123456789abcdef';

function fakeApi() {
  let state = {
    enabled: false,
    port: 5056,
    listening: [] as string[],
    keys: [] as ('status' | 'token')[],
  };
  const configureLocalApi = vi.fn(
    (req: { enabled?: boolean; port?: number; new_key?: 'status' | 'token' }) => {
      if (req.enabled !== undefined) {
        state = {
          ...state,
          enabled: req.enabled,
          listening: req.enabled ? [`127.0.0.1:${state.port}`] : [],
        };
      }
      if (req.new_key) state = { ...state, keys: [...new Set([...state.keys, req.new_key])] };
      const result: LocalApiResult = {
        ok: true,
        state: { ...state, ...(req.new_key ? { new_key: KEY } : {}) },
      };
      return Promise.resolve(result);
    },
  );
  return { api: { configureLocalApi } as unknown as TokenTrayApi, configureLocalApi };
}

describe('Settings → Local API', () => {
  it('turns the API on and shows where it listens', async () => {
    const { api, configureLocalApi } = fakeApi();
    render(<LocalApiSettings api={api} />);
    await userEvent.click(await screen.findByLabelText('Turn on the local API'));
    expect(configureLocalApi).toHaveBeenCalledWith({ enabled: true });
    expect(await screen.findByText('Listening on 127.0.0.1:5056')).toBeInTheDocument();
    expect(screen.getByRole('status')).toHaveTextContent('Local API turned on.');
  });

  it('shows a new key once, with a copy button, and hides it for good on Done', async () => {
    const { api, configureLocalApi } = fakeApi();
    render(<LocalApiSettings api={api} />);
    const create = await screen.findAllByRole('button', { name: 'Create key' });
    await userEvent.click(create[0]!);
    expect(configureLocalApi).toHaveBeenCalledWith({ new_key: 'status' });
    expect(await screen.findByTestId('new-api-key')).toHaveTextContent(KEY);
    expect(screen.getByRole('button', { name: /Copy key/ })).toBeInTheDocument();
    await userEvent.click(screen.getByRole('button', { name: 'Done' }));
    expect(screen.queryByText(KEY)).toBeNull();
    expect(screen.getAllByRole('button', { name: 'Regenerate' })).toHaveLength(1);
  });

  it('refuses a port out of range before asking main', async () => {
    const { api, configureLocalApi } = fakeApi();
    render(<LocalApiSettings api={api} />);
    const input = await screen.findByLabelText('Port');
    await userEvent.clear(input);
    await userEvent.type(input, '80');
    await userEvent.click(screen.getByRole('button', { name: 'Save port' }));
    expect(screen.getByRole('alert')).toHaveTextContent('1024 to 65535');
    expect(configureLocalApi).not.toHaveBeenCalledWith({ port: 80 });
  });

  it('says what main refused', async () => {
    const api = {
      configureLocalApi: () =>
        Promise.resolve({ ok: false, error: 'The local API is not running in this window yet.' }),
    } as unknown as TokenTrayApi;
    render(<LocalApiSettings api={api} />);
    expect(await screen.findByRole('alert')).toHaveTextContent('not running');
  });
});

describe('desktop limits note', () => {
  it('shows what this desktop cannot do, and hides on request', async () => {
    const api = {
      getDesktopNotices: () =>
        Promise.resolve({
          notices: ['Your desktop shows no tray icons. Enable the AppIndicator extension.'],
        }),
    } as unknown as TokenTrayApi;
    render(<DesktopNotices api={api} />);
    expect(await screen.findByRole('note')).toHaveTextContent('AppIndicator');
    await userEvent.click(screen.getByRole('button', { name: 'Hide' }));
    expect(screen.queryByRole('note')).toBeNull();
  });

  it('shows nothing when the desktop has no limits', async () => {
    const api = {
      getDesktopNotices: () => Promise.resolve({ notices: [] }),
    } as unknown as TokenTrayApi;
    const { container } = render(<DesktopNotices api={api} />);
    await new Promise((r) => setTimeout(r, 20));
    expect(container).toBeEmptyDOMElement();
  });
});
