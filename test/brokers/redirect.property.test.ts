/**
 * Property tests for redirect parsing: nothing but an exact, state-matching redirect ever yields a
 * grant. Pure functions, no HTTP: the adapters are built with their default (real) hosts.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BROKER_IDS, type BrokerId } from '../../shared/brokers';
import { createBrokerAdapters } from '../../electron/core/brokers';
import { TokenTrayError } from '../../electron/core/errors';

const adapters = createBrokerAdapters();

interface Parts {
  scheme: string;
  userinfo: string;
  host: string;
  port: number | undefined;
  path: string;
  params: [string, string][];
  fragment: string | undefined;
}

function build(p: Parts): string {
  const port = p.port === undefined ? '' : `:${p.port}`;
  const query = p.params.length > 0 ? `?${new URLSearchParams(p.params).toString()}` : '';
  const fragment = p.fragment === undefined ? '' : `#${p.fragment}`;
  return `${p.scheme}://${p.userinfo}${p.host}${port}${p.path}${query}${fragment}`;
}

const GRANT_PARAM: Record<BrokerId, string> = {
  upstox: 'code',
  kite: 'request_token',
  fyers: 'auth_code',
  angelone: 'auth_token',
  fivepaisa: 'RequestToken',
  aliceblue: 'authCode',
  shoonya: 'code',
  dhan: 'tokenId',
  iifl: 'authCode',
  breeze: 'apisession',
};

/** The user id Alice Blue's redirect carries beside the grant (LoginGrant.userId). */
const ALICEBLUE_USER = 'AB12345';

/** The client id IIFL Capital's redirect carries beside the grant (LoginGrant.userId). */
const IIFL_CLIENT = 'IIFL12345';

/**
 * Brokers whose redirect need not carry `state` (the login URL has no way to send it, and Kite's
 * redirect_params do not apply): one that comes back must still match.
 */
const STATE_OPTIONAL: ReadonlySet<BrokerId> = new Set<BrokerId>([
  'aliceblue',
  'dhan',
  'shoonya',
  'iifl',
  'breeze',
]);

/** What parseRedirect yields for a valid redirect carrying `grant`. */
function grantOf(broker: BrokerId, grant: string) {
  if (broker === 'iifl') return { code: grant, userId: IIFL_CLIENT };
  return broker === 'aliceblue' ? { code: grant, userId: ALICEBLUE_USER } : { code: grant };
}

/** The parameters each broker's successful redirect carries (brokers.md §1 "Redirect carries"). */
function successParams(broker: BrokerId, grant: string, state: string): [string, string][] {
  switch (broker) {
    case 'upstox':
      return [
        ['code', grant],
        ['state', state],
      ];
    case 'kite':
      return [
        ['action', 'login'],
        ['type', 'login'],
        ['status', 'success'],
        ['request_token', grant],
        ['state', state],
      ];
    case 'fyers':
      return [
        ['s', 'ok'],
        ['code', '200'],
        ['auth_code', grant],
        ['state', state],
      ];
    case 'angelone':
      // brokers-more.md §2.1: the token itself, feed_token (and refresh_token) on the redirect.
      return [
        ['auth_token', grant],
        ['feed_token', 'feedtoken0123'],
        ['refresh_token', 'refreshtoken0123'],
        ['state', state],
      ];
    case 'fivepaisa':
      // brokers-more.md §2.3 [Doc sample]: `?RequestToken=<JWT>&state=<State>`.
      return [
        ['RequestToken', grant],
        ['state', state],
      ];
    case 'aliceblue':
      // brokers-more.md §2.5: `?authCode=..&userId=..`. No state is ever sent (echoesState false);
      // the valid form here carries it anyway, as one that comes back must match.
      return [
        ['authCode', grant],
        ['userId', ALICEBLUE_USER],
        ['state', state],
      ];
    case 'shoonya':
      // brokers-more.md §2.4: `?code=<uuid>`. No state is sent (echoesState false); one that comes
      // back must match, as above.
      return [
        ['code', grant],
        ['state', state],
      ];
    case 'dhan':
      // brokers-more.md §2.2: `?tokenId=..` only (echoesState false); a state that comes back must
      // match, as above.
      return [
        ['tokenId', grant],
        ['state', state],
      ];
    case 'iifl':
      // brokers-more.md §2.8 (a) [Code]: `?authCode=..&clientId=..`, no state (echoesState false);
      // one that comes back must match, as above.
      return [
        ['authCode', grant],
        ['clientId', IIFL_CLIENT],
        ['state', state],
      ];
    case 'breeze':
      // brokers-more.md §2.7 [Code]: `?apisession=<API_Session>` only (echoesState false); a state
      // that comes back must match, as above.
      return [
        ['apisession', grant],
        ['state', state],
      ];
  }
}

const HOSTS = ['127.0.0.1', 'localhost', '[::1]', 'app.example.com'];
const OTHER_HOSTS = [
  ...HOSTS,
  '127.0.0.2',
  '0.0.0.0',
  'evil.example',
  '127.0.0.1.evil.example',
  'localhost.evil.example',
];
const SCHEMES = ['http', 'https', 'ftp', 'ws', 'file', 'javascript'];

const stateArb = fc.stringMatching(/^[A-Za-z0-9_-]{8,48}$/);
const grantArb = fc.stringMatching(/^[A-Za-z0-9._-]{1,120}$/);
const segmentArb = fc.stringMatching(/^[a-z0-9_-]{1,8}$/);
const redirectArb = fc.record({
  scheme: fc.constantFrom('http', 'https'),
  host: fc.constantFrom(...HOSTS),
  port: fc.option(fc.integer({ min: 1024, max: 65535 }), { nil: undefined }),
  path: fc
    .tuple(fc.array(segmentArb, { maxLength: 3 }), fc.boolean())
    .map(([segs, slash]) => `/${segs.join('/')}${slash && segs.length > 0 ? '/' : ''}`),
});

const caseArb = fc.record({
  broker: fc.constantFrom(...BROKER_IDS),
  redirect: redirectArb,
  state: stateArb,
  grant: grantArb,
});

type Case = fc.Arbitrary<typeof caseArb extends fc.Arbitrary<infer T> ? T : never>;
type CaseValue = Case extends fc.Arbitrary<infer T> ? T : never;

function validParts(c: CaseValue): Parts {
  return {
    scheme: c.redirect.scheme,
    userinfo: '',
    host: c.redirect.host,
    port: c.redirect.port,
    path: c.redirect.path,
    params: successParams(c.broker, c.grant, c.state),
    fragment: undefined,
  };
}

function redirectUriOf(c: CaseValue): string {
  return build({ ...validParts(c), params: [] });
}

const without = (params: [string, string][], key: string) => params.filter(([k]) => k !== key);
const replace = (params: [string, string][], key: string, value: string) =>
  params.map(([k, v]): [string, string] => (k === key ? [k, value] : [k, v]));

/** One way to spoil a valid redirect; each is guaranteed to change what the URL means. */
type Mutation = (p: Parts, c: CaseValue) => Parts | string;

/** Tags each mutation with its category: one mutation per category, so two cannot cancel out. */
const tag = (category: string, arb: fc.Arbitrary<[string, Mutation]>) =>
  arb.map(([name, fn]): [string, string, Mutation] => [category, name, fn]);

const mutationArb: fc.Arbitrary<[string, string, Mutation]> = fc.oneof(
  tag(
    'scheme',
    fc
      .constantFrom(...SCHEMES)
      .map((s): [string, Mutation] => [
        `scheme→${s}`,
        (p) => ({ ...p, scheme: s === p.scheme ? (s === 'http' ? 'https' : 'http') : s }),
      ]),
  ),
  tag(
    'host',
    fc
      .constantFrom(...OTHER_HOSTS)
      .map((host): [string, Mutation] => [
        `host→${host}`,
        (p) => ({ ...p, host: host === p.host ? 'evil.example' : host }),
      ]),
  ),
  tag(
    'port',
    fc
      .integer({ min: 1024, max: 65535 })
      .map((port): [string, Mutation] => [
        `port→${port}`,
        (p) => ({ ...p, port: port === p.port ? port - 1 : port }),
      ]),
  ),
  tag(
    'port',
    fc.constant<[string, Mutation]>([
      'port removed/added',
      (p) => ({ ...p, port: p.port === undefined ? 8080 : undefined }),
    ]),
  ),
  tag(
    'path',
    fc.constantFrom<[string, Mutation]>(
      ['path + /', (p) => ({ ...p, path: p.path.endsWith('/') ? `${p.path}x` : `${p.path}/` })],
      ['path + x', (p) => ({ ...p, path: `${p.path}x` })],
      ['path prefix', (p) => ({ ...p, path: `/evil${p.path}` })],
      ['path upper', (p) => ({ ...p, path: `${p.path}X`.toUpperCase() })],
      // Not `%2e`: WHATWG URLs treat it as a dot segment, so `/cb/%2e` *is* `/cb/` (no trick).
      ['path encoded slash', (p) => ({ ...p, path: `${p.path}%2F` })],
      ['path shortened', (p) => ({ ...p, path: p.path.length > 1 ? p.path.slice(0, -1) : '/x' })],
    ),
  ),
  tag(
    'userinfo',
    fc.constantFrom<[string, Mutation]>(
      ['userinfo', (p) => ({ ...p, userinfo: 'user@' })],
      ['userinfo+password', (p) => ({ ...p, userinfo: 'user:pw@' })],
      ['host-looking userinfo', (p) => ({ ...p, userinfo: `${p.host}@`, host: 'evil.example' })],
    ),
  ),
  tag(
    'fragment',
    fc.constantFrom<[string, Mutation]>(
      [
        'query moved into fragment',
        (p) => ({ ...p, params: [], fragment: new URLSearchParams(p.params).toString() }),
      ],
      ['fragment appended', (p) => ({ ...p, fragment: 'x' })],
      ['fragment with state', (p, c) => ({ ...p, fragment: `state=${c.state}` })],
    ),
  ),
  tag(
    'state',
    fc.constantFrom<[string, Mutation]>(
      [
        'state missing',
        // A broker that never echoes state may leave it out: only a foreign one spoils its redirect.
        (p, c) =>
          STATE_OPTIONAL.has(c.broker)
            ? { ...p, params: replace(p.params, 'state', 'never-this-state') }
            : { ...p, params: without(p.params, 'state') },
      ],
      ['state empty', (p) => ({ ...p, params: replace(p.params, 'state', '') })],
      ['state duplicated', (p, c) => ({ ...p, params: [...p.params, ['state', c.state]] })],
      [
        'state duplicated, other value',
        (p) => ({ ...p, params: [...p.params, ['state', 'other-state-1']] }),
      ],
      [
        'state prefix only',
        (p, c) => ({ ...p, params: replace(p.params, 'state', c.state.slice(0, -1)) }),
      ],
      ['state extended', (p, c) => ({ ...p, params: replace(p.params, 'state', `${c.state}x`) })],
      [
        'state case-flipped',
        (p, c) => {
          const flipped = [...c.state]
            .map((ch) => (ch === ch.toLowerCase() ? ch.toUpperCase() : ch.toLowerCase()))
            .join('');
          return {
            ...p,
            params: replace(p.params, 'state', flipped === c.state ? `${c.state}0` : flipped),
          };
        },
      ],
    ),
  ),
  tag(
    'grant',
    fc.constantFrom<[string, Mutation]>(
      ['grant missing', (p, c) => ({ ...p, params: without(p.params, GRANT_PARAM[c.broker]) })],
      ['grant empty', (p, c) => ({ ...p, params: replace(p.params, GRANT_PARAM[c.broker], '') })],
      [
        'grant duplicated',
        (p, c) => ({ ...p, params: [...p.params, [GRANT_PARAM[c.broker], c.grant]] }),
      ],
      [
        'grant with a space',
        (p, c) => ({ ...p, params: replace(p.params, GRANT_PARAM[c.broker], `${c.grant} x`) }),
      ],
    ),
  ),
  tag(
    'status',
    fc.constantFrom<[string, Mutation]>(
      [
        'broker status spoilt',
        (p, c) =>
          c.broker === 'iifl' ||
          c.broker === 'upstox' ||
          c.broker === 'angelone' ||
          c.broker === 'fivepaisa' ||
          c.broker === 'aliceblue' ||
          c.broker === 'shoonya' ||
          c.broker === 'dhan' ||
          c.broker === 'breeze'
            ? { ...p, params: [...p.params, ['error', 'access_denied']] }
            : c.broker === 'kite'
              ? { ...p, params: replace(p.params, 'status', 'cancelled') }
              : { ...p, params: replace(p.params, 's', 'error') },
      ],
      [
        'broker status removed',
        (p, c) =>
          c.broker === 'iifl' ||
          c.broker === 'upstox' ||
          c.broker === 'angelone' ||
          c.broker === 'fivepaisa' ||
          c.broker === 'aliceblue' ||
          c.broker === 'shoonya' ||
          c.broker === 'dhan' ||
          c.broker === 'breeze'
            ? { ...p, params: [...p.params, ['error', 'server_error']] }
            : { ...p, params: without(p.params, c.broker === 'kite' ? 'status' : 's') },
      ],
      [
        'FYERS code not 200 / other param duplicated',
        (p, c) =>
          c.broker === 'fyers'
            ? { ...p, params: replace(p.params, 'code', '201') }
            : { ...p, params: [...p.params, ['x', '1'], ['x', '2']] },
      ],
    ),
  ),
  tag(
    'garbage',
    fc.constantFrom<[string, Mutation]>(
      ['not a URL', () => 'not a url'],
      [
        'relative',
        (p) => build({ ...p, scheme: '', userinfo: '', host: '' }).replace(/^:\/\//, ''),
      ],
    ),
  ),
);

function expectNoGrant(fn: () => unknown): void {
  let result: unknown;
  try {
    result = fn();
  } catch (e) {
    expect(e).toBeInstanceOf(TokenTrayError);
    expect(['login-failed', 'cancelled']).toContain((e as TokenTrayError).kind);
    return;
  }
  throw new Error(`a spoilt redirect yielded a grant: ${JSON.stringify(result)}`);
}

describe('redirect parsing (properties)', () => {
  it('an exact, state-matching redirect yields exactly its grant, in any parameter order', () => {
    fc.assert(
      fc.property(caseArb, fc.integer(), (c, seed) => {
        const parts = validParts(c);
        // Deterministic shuffle from the seed.
        const params = [...parts.params].sort(
          (a, b) => ((a[0].charCodeAt(0) * seed) % 7) - ((b[0].charCodeAt(0) * seed) % 7),
        );
        const url = build({ ...parts, params });
        const redirectUri = redirectUriOf(c);
        const adapter = adapters[c.broker];
        expect(adapter.isRedirect(url, redirectUri)).toBe(true);
        expect(adapter.parseRedirect(url, { redirectUri, state: c.state })).toEqual(
          grantOf(c.broker, c.grant),
        );
      }),
      { numRuns: 300 },
    );
  });

  it('a broker whose redirect need not carry state yields its grant without one', () => {
    fc.assert(
      fc.property(caseArb, (c) => {
        if (!STATE_OPTIONAL.has(c.broker)) return;
        const parts = validParts(c);
        const url = build({ ...parts, params: without(parts.params, 'state') });
        const redirectUri = redirectUriOf(c);
        expect(adapters[c.broker].parseRedirect(url, { redirectUri, state: c.state })).toEqual(
          grantOf(c.broker, c.grant),
        );
      }),
      { numRuns: 300 },
    );
  });

  it('any spoilt redirect (1–3 mutations) yields no grant', () => {
    fc.assert(
      fc.property(
        caseArb,
        fc.uniqueArray(mutationArb, { minLength: 1, maxLength: 3, selector: (m) => m[0] }),
        (c, mutations) => {
          let value: Parts | string = validParts(c);
          for (const [, , mutate] of mutations) {
            if (typeof value === 'string') break;
            value = mutate(value, c);
          }
          const url = typeof value === 'string' ? value : build(value);
          const redirectUri = redirectUriOf(c);
          expectNoGrant(() =>
            adapters[c.broker].parseRedirect(url, { redirectUri, state: c.state }),
          );
        },
      ),
      { numRuns: 1500 },
    );
  });

  it('arbitrary strings and URLs never yield a grant', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...BROKER_IDS),
        fc.oneof(fc.string(), fc.webUrl({ withQueryParameters: true, withFragments: true })),
        stateArb,
        (broker, url, state) => {
          expectNoGrant(() =>
            adapters[broker].parseRedirect(url, {
              redirectUri: 'http://127.0.0.1:5055/callback',
              state,
            }),
          );
        },
      ),
      { numRuns: 500 },
    );
  });

  it('a state the login never had cannot be satisfied by an empty expected state', () => {
    for (const broker of BROKER_IDS) {
      const url = build({
        scheme: 'http',
        userinfo: '',
        host: '127.0.0.1',
        port: 5055,
        path: '/cb',
        params: successParams(broker, 'g', ''),
        fragment: undefined,
      });
      expectNoGrant(() =>
        adapters[broker].parseRedirect(url, { redirectUri: 'http://127.0.0.1:5055/cb', state: '' }),
      );
    }
  });
});

describe('redirect parsing (known tricks)', () => {
  const redirectUri = 'http://127.0.0.1:5055/upstox/callback';
  const state = 'the-state-0123456789';
  const tricks = [
    `http://evil.example#@127.0.0.1:5055/upstox/callback?code=g&state=${state}`,
    `http://127.0.0.1:5055\\@evil.example/upstox/callback?code=g&state=${state}`,
    `http://127.0.0.1:5055/upstox/callback@evil.example?code=g&state=${state}`,
    `http://127.0.0.1:5055/upstox/callback?code=g&state=${state}#&code=h`,
    `http://127.0.0.1:5055/upstox/callback?code=g&code=h&state=${state}`,
    `http://127.0.0.1:5055/upstox/callback/?code=g&state=${state}`,
    `https://127.0.0.1:5055/upstox/callback?code=g&state=${state}`,
    `http://localhost:5055/upstox/callback?code=g&state=${state}`,
    `http://127.0.0.1:5056/upstox/callback?code=g&state=${state}`,
    `http://127.0.0.1:5055/upstox/callback?code=g;state=${state}`,
    `http://127.0.0.1:5055/upstox/callback?code=g&state%00=${state}`,
    `http://127.0.0.1:5055/upstox/callback?code=g&state=${state}%00`,
  ];
  it.each(tricks)('%s yields no grant', (url) => {
    expectNoGrant(() => adapters.upstox.parseRedirect(url, { redirectUri, state }));
  });

  it("keeps the redirect URI's own query parameters mandatory", () => {
    const withQuery = 'http://127.0.0.1:5055/cb?account=a1';
    const ok = `http://127.0.0.1:5055/cb?account=a1&code=g&state=${state}`;
    expect(adapters.upstox.parseRedirect(ok, { redirectUri: withQuery, state })).toEqual({
      code: 'g',
    });
    expectNoGrant(() =>
      adapters.upstox.parseRedirect(`http://127.0.0.1:5055/cb?code=g&state=${state}`, {
        redirectUri: withQuery,
        state,
      }),
    );
    expectNoGrant(() =>
      adapters.upstox.parseRedirect(`http://127.0.0.1:5055/cb?account=a2&code=g&state=${state}`, {
        redirectUri: withQuery,
        state,
      }),
    );
  });

  it('isRedirect matches scheme, host, port and path only', () => {
    const a = adapters.kite;
    expect(a.isRedirect('http://127.0.0.1:5055/upstox/callback?x=1', redirectUri)).toBe(true);
    expect(a.isRedirect('http://127.0.0.1:5055/upstox/callback', redirectUri)).toBe(true);
    expect(a.isRedirect('http://127.0.0.1:5055/upstox/callbac', redirectUri)).toBe(false);
    expect(a.isRedirect('http://127.0.0.1:80/upstox/callback', redirectUri)).toBe(false);
    expect(a.isRedirect('https://127.0.0.1:5055/upstox/callback', redirectUri)).toBe(false);
    expect(a.isRedirect('not a url', redirectUri)).toBe(false);
  });
});
