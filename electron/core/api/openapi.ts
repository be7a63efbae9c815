/**
 * The OpenAPI 3.1 description of the loopback API, served at /api/openapi.json and committed as
 * docs/openapi.json (test/api/openapi.test.ts checks the two are equal and that every route the
 * server answers is described here).
 */
import { BROKER_IDS } from '../../../shared/brokers';
import { READINESS_STATES } from '../../../shared/readiness';
import { TOKEN_STATUSES } from '../../../shared/status';
import { COMMAND_ERROR_CODES } from '../commands/command-error';

const error = (description: string) => ({
  description,
  content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
});

const commonErrors = {
  '401': error('No API key, or a wrong one.'),
  '403': error('Wrong Host header, an Origin header, or a key without the needed scope.'),
  '405': error('Wrong method (see the Allow header).'),
  '429': error('Too many wrong API keys: locked for a while (Retry-After).'),
};

const accountParam = {
  name: 'id',
  in: 'path',
  required: true,
  description: 'The account id, e.g. fyers-main.',
  schema: { type: 'string' },
};

export const OPENAPI_DOCUMENT = {
  openapi: '3.1.0',
  info: {
    title: 'TokenTray local API',
    version: '1.0.0',
    description:
      'Loopback-only API for trading bots: token status, live renewal events (SSE), and the token itself for keys with the `token` scope. Listens on 127.0.0.1 and ::1; refuses requests with an Origin header or a Host header other than the loopback address and port. See docs/bots.md.',
  },
  servers: [{ url: 'http://127.0.0.1:5056' }],
  security: [{ bearer: [] }],
  paths: {
    '/api/openapi.json': {
      get: {
        summary: 'This document.',
        security: [],
        responses: { '200': { description: 'The OpenAPI document.' } },
      },
    },
    '/api/token/status': {
      get: {
        summary: 'Status and readiness of every account (or those named). Scope: status.',
        parameters: [
          {
            name: 'account',
            in: 'query',
            required: false,
            description: 'Account id or label; repeat for several. Default: every account.',
            schema: { type: 'string' },
          },
        ],
        responses: {
          '200': {
            description: 'Status of the accounts.',
            content: { 'application/json': { schema: { $ref: '#/components/schemas/Status' } } },
          },
          '400': error('An account name that matches several accounts.'),
          '404': error('Unknown account.'),
          ...commonErrors,
        },
      },
    },
    '/api/token/force-refresh': {
      post: {
        summary:
          'Renews a token now without the login page (FYERS). Login-only brokers (Upstox, Kite) answer 409 needs-login. Scope: token.',
        requestBody: {
          required: true,
          content: {
            'application/json': {
              schema: {
                type: 'object',
                required: ['account'],
                additionalProperties: false,
                properties: {
                  account: { type: 'string', description: 'Account id or label.' },
                  pin: {
                    type: 'string',
                    pattern: '^\\d{4}$',
                    description: 'FYERS PIN, if not stored.',
                  },
                },
              },
            },
          },
        },
        responses: {
          '200': {
            description: 'Renewed; the account status after the renewal.',
            content: {
              'application/json': {
                schema: {
                  type: 'object',
                  properties: { account: { $ref: '#/components/schemas/AccountStatus' } },
                },
              },
            },
          },
          '400': error('Invalid JSON or fields.'),
          '404': error('Unknown account.'),
          '409': error('needs-login (login-only broker, refresh token gone), busy, or conflict.'),
          '413': error('Body over 16 KB.'),
          '502': error('The broker failed.'),
          ...commonErrors,
        },
      },
    },
    '/api/v1/accounts': {
      get: {
        summary: 'Every account with its status. Scope: status.',
        responses: {
          '200': {
            description: 'The accounts.',
            content: {
              'application/json': {
                schema: {
                  type: 'object',
                  properties: {
                    accounts: {
                      type: 'array',
                      items: { $ref: '#/components/schemas/AccountStatus' },
                    },
                  },
                },
              },
            },
          },
          ...commonErrors,
        },
      },
    },
    '/api/v1/accounts/{id}': {
      get: {
        summary: 'One account with its status. Scope: status.',
        parameters: [accountParam],
        responses: {
          '200': {
            description: 'The account.',
            content: {
              'application/json': {
                schema: {
                  type: 'object',
                  properties: { account: { $ref: '#/components/schemas/AccountStatus' } },
                },
              },
            },
          },
          '404': error('Unknown account.'),
          ...commonErrors,
        },
      },
    },
    '/api/v1/accounts/{id}/token': {
      get: {
        summary:
          'The access token. Scope: token. Refuses (409 token-unusable) an expired, revoked or missing token unless allow_expired=true.',
        parameters: [
          accountParam,
          { name: 'allow_expired', in: 'query', required: false, schema: { type: 'boolean' } },
        ],
        responses: {
          '200': {
            description: 'The token.',
            content: { 'application/json': { schema: { $ref: '#/components/schemas/Token' } } },
          },
          '404': error('Unknown account.'),
          '409': error('token-unusable: expired, revoked or none.'),
          ...commonErrors,
        },
      },
    },
    '/api/v1/events': {
      get: {
        summary:
          'Server-Sent Events: token-renewed, token-expiring, token-expired, token-revoked, export-failed (and resync when events were missed). Never the token. Heartbeat comment every 15 s; resume with the Last-Event-ID header (or ?last_event_id=). Scope: status.',
        parameters: [
          { name: 'Last-Event-ID', in: 'header', required: false, schema: { type: 'string' } },
          { name: 'last_event_id', in: 'query', required: false, schema: { type: 'string' } },
        ],
        responses: {
          '200': {
            description:
              'text/event-stream. Each event: `id`, `event` (type) and one `data` line of JSON: token-renewed {account, broker, expires_at, issued_at}; token-expiring {account, status, expires_at, seconds_left}; token-expired and token-revoked {account, expires_at}; export-failed {account, path, message}; resync {reason}.',
            content: { 'text/event-stream': { schema: { type: 'string' } } },
          },
          ...commonErrors,
        },
      },
    },
  },
  components: {
    securitySchemes: {
      bearer: {
        type: 'http',
        scheme: 'bearer',
        description: 'API key from Settings → Local API; scope `status` or `token`.',
      },
    },
    schemas: {
      Error: {
        type: 'object',
        required: ['error'],
        properties: {
          error: {
            type: 'object',
            required: ['code', 'message'],
            properties: {
              code: {
                type: 'string',
                // The command layer's own list: the document cannot drift from the codes sent.
                enum: [...COMMAND_ERROR_CODES],
              },
              message: { type: 'string', description: 'What went wrong and what to do.' },
            },
          },
        },
      },
      AccountStatus: {
        type: 'object',
        required: [
          'account',
          'label',
          'broker',
          'status',
          'expires_at',
          'seconds_left',
          'needs_login',
          'ready_for_session',
          'readiness',
        ],
        properties: {
          account: { type: 'string' },
          label: { type: 'string' },
          // From the catalogue and the shared lists: a client generated from this document must
          // accept every broker and state the server can answer with.
          broker: { type: 'string', enum: [...BROKER_IDS] },
          status: {
            type: 'string',
            enum: [...TOKEN_STATUSES],
          },
          expires_at: { type: ['string', 'null'], format: 'date-time' },
          expires_at_ist: { type: ['string', 'null'] },
          expires_at_local: { type: ['string', 'null'] },
          seconds_left: { type: 'integer', minimum: 0 },
          needs_login: { type: 'boolean' },
          ready_for_session: { type: 'boolean' },
          readiness: {
            type: 'string',
            enum: [...READINESS_STATES],
          },
          action: { type: 'string' },
          session_date: { type: 'string', format: 'date' },
          helps_from: { type: ['string', 'null'], format: 'date-time' },
          auto_refresh: { type: 'boolean' },
          busy: { type: ['string', 'null'] },
          last_error: {
            type: ['object', 'null'],
            properties: { kind: { type: 'string' }, message: { type: 'string' } },
          },
        },
      },
      Status: {
        type: 'object',
        required: ['at', 'session_date', 'ready_for_session', 'accounts'],
        properties: {
          at: { type: 'string', format: 'date-time' },
          session_date: { type: 'string', format: 'date' },
          ready_for_session: { type: 'boolean' },
          accounts: { type: 'array', items: { $ref: '#/components/schemas/AccountStatus' } },
        },
      },
      Token: {
        type: 'object',
        required: ['account', 'broker', 'access_token', 'expires_at', 'status'],
        properties: {
          account: { type: 'string' },
          broker: { type: 'string' },
          access_token: { type: 'string' },
          expires_at: { type: ['string', 'null'], format: 'date-time' },
          status: { type: 'string' },
        },
      },
    },
  },
} as const;
