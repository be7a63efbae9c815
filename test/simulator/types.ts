/**
 * Shapes shared by the broker simulator's parts: what a route sees of a request, what it answers,
 * what the simulator records, and the faults a test can force.
 */
import type { BrokerId } from '../../shared/brokers';

/** An app registered with a simulated broker (fake values only; see DEFAULT_SIM_APPS). */
export interface SimApp {
  readonly broker: BrokerId;
  /** Upstox client_id / Kite api_key / FYERS app id. */
  readonly apiKey: string;
  readonly apiSecret: string;
  /** The registered redirect URI; the login page redirects here. */
  readonly redirectUri: string;
  /** The third app value where the broker has one (Dhan client ID, 5paisa app User ID). */
  readonly clientId?: string;
}

/** The account that "logs in" on a simulated login page. */
export interface SimUser {
  readonly userId: string;
  readonly userName: string;
  /** FYERS only: the PIN validate-refresh-token expects. */
  readonly pin?: string;
}

/** One request as the simulator received it, kept so tests can assert exact bodies and headers. */
export interface RecordedRequest {
  readonly at: Date;
  readonly broker: BrokerId | undefined;
  readonly method: string;
  readonly path: string;
  /** Query parameters (last value wins) and the raw query string. */
  readonly query: Readonly<Record<string, string>>;
  readonly rawQuery: string;
  /** Lower-case header names. */
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
  /** The body parsed as a form, when sent as application/x-www-form-urlencoded. */
  readonly form: Readonly<Record<string, string>> | undefined;
  /** The body parsed as JSON, when sent as application/json. */
  readonly json: unknown;
}

/** What a route handler sees. */
export type SimRequest = RecordedRequest;

/** What a route handler answers. Exactly one of json/html/text, or none (empty body). */
export interface SimReply {
  readonly status: number;
  readonly headers?: Readonly<Record<string, string>>;
  readonly json?: unknown;
  readonly html?: string;
  readonly text?: string;
}

/** A fault a test forces on the next matching request(s). */
export type SimFault =
  /** Answers with this HTTP status and the broker's own error body shape (e.g. 500, 503). */
  | { readonly kind: 'status'; readonly status: number }
  /** Answers 429 with the broker's rate-limit body, and Retry-After when given. */
  | { readonly kind: 'rate-limit'; readonly retryAfterSeconds?: number }
  /** Waits this long, then answers normally (for client timeouts). */
  | { readonly kind: 'slow'; readonly delayMs: number }
  /** Reads the request, then closes the connection without answering. */
  | { readonly kind: 'drop' }
  /** Answers 200 with an HTML maintenance page instead of JSON. */
  | { readonly kind: 'garbage' }
  /**
   * Answers `status` (default 200) with a JSON-looking body of `bytes` bytes, streamed in chunks
   * with backpressure, with or without a Content-Length. What was actually written is recorded in
   * `BrokerSimulator.floods` (a client that stops reading early leaves `written` far below `bytes`).
   */
  | {
      readonly kind: 'flood';
      readonly bytes: number;
      readonly declareLength?: boolean;
      readonly status?: number;
    }
  /** Answers exactly this. */
  | {
      readonly kind: 'reply';
      readonly status: number;
      readonly json?: unknown;
      readonly text?: string;
      readonly headers?: Readonly<Record<string, string>>;
    };

export interface FaultRule {
  /** Exact request path, e.g. /session/token. */
  readonly path: string;
  /** Any method when omitted. */
  readonly method?: string;
  /** How many matching requests get the fault (default 1). */
  readonly times?: number;
  readonly fault: SimFault;
}

/** One endpoint of a simulated broker. */
export interface SimRoute {
  readonly method: 'GET' | 'POST' | 'DELETE';
  readonly path: string;
  handle(req: SimRequest): SimReply;
  /**
   * What happens even when a forced fault replaces the answer: a grant carried by the request is
   * used up, because brokers burn it on first use even when the exchange fails (brokers.md §2 [U2]).
   */
  onFault?(req: SimRequest): void;
}

/** A simulated broker: its endpoints and the shape of its generic error bodies. */
export interface SimBroker {
  readonly broker: BrokerId;
  readonly routes: readonly SimRoute[];
  /** Body for a forced HTTP error (5xx …). */
  errorBody(status: number): unknown;
  /** Body for a forced 429. */
  rateLimitBody(): unknown;
}

/** One forced 'flood' answer: how much of it the client let the simulator write. */
export interface FloodRecord {
  readonly path: string;
  readonly bytes: number;
  written: number;
  /** The whole body was written and ended. */
  completed: boolean;
  /** The client closed the connection before the end. */
  aborted: boolean;
}

/** The media type of a request (`application/json`), lower-case, without parameters; '' if none. */
export function mediaType(req: SimRequest): string {
  return (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
}

/**
 * Why a request body is not of the documented type, in words naming both, or undefined when it is.
 * Brokers answer a wrong type with some unrelated error; the simulator names the real mistake, so a
 * test failing on it points at the cause.
 */
export function wrongBodyType(req: SimRequest, expected: string): string | undefined {
  const got = mediaType(req);
  if (got === expected) return undefined;
  return `simulator: ${req.method} ${req.path} takes a ${expected} body (brokers.md §1), but the request sent ${got === '' ? 'no Content-Type' : `Content-Type ${got}`}`;
}
