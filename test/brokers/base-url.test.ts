import { describe, expect, it } from 'vitest';
import { BROKER_IDS } from '../../shared/brokers';
import {
  DEFAULT_ENDPOINTS,
  checkBaseUrl,
  createBrokerAdapter,
  createBrokerAdapters,
} from '../../electron/core/brokers';
import { TokenTrayError } from '../../electron/core/errors';
import { thrown } from './helpers';

const args = { apiKey: 'k', redirectUri: 'http://127.0.0.1:5055/cb', state: 'state-0123456789' };

describe('base URL overrides', () => {
  it.each([
    ['https://api.example.com', 'https://api.example.com'],
    ['https://api.example.com/', 'https://api.example.com'],
    ['https://api.example.com/prefix/', 'https://api.example.com/prefix'],
    ['http://127.0.0.1:4010', 'http://127.0.0.1:4010'],
    ['http://127.5.6.7', 'http://127.5.6.7'],
    ['http://127.1:4010', 'http://127.0.0.1:4010'], // WHATWG-normalised, still loopback
    ['http://localhost:4010', 'http://localhost:4010'],
    ['http://LOCALHOST:4010', 'http://localhost:4010'],
    ['http://[::1]:4010', 'http://[::1]:4010'],
  ])('accepts %s', (input, normalised) => {
    expect(checkBaseUrl(input, 'upstox', 'api')).toBe(normalised);
  });

  it.each([
    'http://api.upstox.com',
    'http://192.168.1.10:4010',
    'http://10.0.0.1',
    'http://0.0.0.0:4010',
    'http://128.0.0.1',
    'http://127.0.0.1.nip.io',
    'http://localhost.evil.example',
    'http://[::2]:4010',
    'http://[::ffff:7f00:1]:4010',
    'ftp://127.0.0.1',
    'file:///etc/passwd',
    'ws://127.0.0.1:4010',
    'javascript:alert(1)',
    'https://user:hunter2@api.example.com',
    'https://api.example.com/?x=1',
    'https://api.example.com/#frag',
    'not a url',
    '',
  ])('rejects %s with a config error that says what is allowed', (input) => {
    const err = thrown(() => checkBaseUrl(input, 'kite', 'login'));
    expect(err.kind).toBe('config');
    expect(err.message).toMatch(/Zerodha Kite login base URL override/);
    expect(err.message).not.toContain('hunter2');
  });

  it('the factory validates every override up front', () => {
    expect(() => createBrokerAdapters({ baseUrls: { fyers: { api: 'http://10.1.2.3' } } })).toThrow(
      TokenTrayError,
    );
    expect(() =>
      createBrokerAdapter('upstox', { baseUrls: { upstox: { login: 'http://evil.example' } } }),
    ).toThrow(/https:\/\/…, or http:\/\/ only to this computer/);
  });

  it('defaults to the real hosts (brokers.md §1)', () => {
    const adapters = createBrokerAdapters();
    expect(new URL(adapters.upstox.authorizeUrl(args)).origin).toBe('https://api.upstox.com');
    expect(new URL(adapters.kite.authorizeUrl(args)).origin).toBe('https://kite.zerodha.com');
    expect(new URL(adapters.fyers.authorizeUrl(args)).origin).toBe('https://api-t1.fyers.in');
    expect(DEFAULT_ENDPOINTS.kite.api).toBe('https://api.kite.trade');
    for (const id of BROKER_IDS) expect(adapters[id].broker).toBe(id);
  });

  it('uses an override, keeping its path prefix', () => {
    const adapter = createBrokerAdapter('fyers', {
      baseUrls: { fyers: { login: 'http://127.0.0.1:4010/fyers-sim/' } },
    });
    const url = new URL(adapter.authorizeUrl(args));
    expect(`${url.origin}${url.pathname}`).toBe(
      'http://127.0.0.1:4010/fyers-sim/api/v3/generate-authcode',
    );
  });

  it('refuses to start a login with an empty or unsafe state', () => {
    const adapter = createBrokerAdapter('upstox');
    expect(thrown(() => adapter.authorizeUrl({ ...args, state: '' })).kind).toBe('login-failed');
    expect(thrown(() => adapter.authorizeUrl({ ...args, state: 'a b&c=d#e' })).kind).toBe(
      'login-failed',
    );
  });
});
