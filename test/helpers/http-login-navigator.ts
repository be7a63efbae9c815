/**
 * A LoginNavigator for Node tests and the bench: it does over plain HTTP what the login window does
 * in the app. It GETs the broker's authorize URL (the broker simulator's login page), submits the
 * page's form as a user clicking "Log in" (or "Cancel") would, follows redirects by hand, refuses to
 * leave the allowed origins, and resolves with the redirect URL the moment `isRedirect` matches,
 * without ever loading it (the app's window cancels that navigation the same way).
 */
import { TokenTrayError } from '../../electron/core/errors';
import type {
  LoginNavigationRequest,
  LoginNavigator,
} from '../../electron/core/lifecycle/login-flow';

export interface HttpLoginNavigatorOptions {
  /** The button the simulated user presses on the login page (default "login"). */
  readonly decision?: () => 'login' | 'cancel';
  /** Called the moment the redirect is caught (the bench's stopwatch starts here). */
  readonly onRedirect?: (url: string) => void;
}

const MAX_HOPS = 10;

function decodeHtmlAttribute(value: string): string {
  return value
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

export class HttpLoginNavigator implements LoginNavigator {
  /** Every navigation asked for, in order. */
  readonly requests: LoginNavigationRequest[] = [];

  constructor(private readonly options: HttpLoginNavigatorOptions = {}) {}

  async navigate(request: LoginNavigationRequest): Promise<string> {
    this.requests.push(request);
    const signal = AbortSignal.timeout(request.timeoutMs);
    let url = request.authorizeUrl;
    let form: string | undefined;
    for (let hop = 0; hop < MAX_HOPS; hop += 1) {
      if (request.isRedirect(url)) {
        this.options.onRedirect?.(url);
        return url;
      }
      const origin = new URL(url).origin;
      if (!request.allowedOrigins.includes(origin)) {
        throw new TokenTrayError('login-failed', `The login page tried to open ${origin}.`);
      }
      const res = await fetch(url, {
        method: form === undefined ? 'GET' : 'POST',
        redirect: 'manual',
        signal,
        ...(form === undefined
          ? {}
          : {
              body: form,
              headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
            }),
      });
      form = undefined;
      if (res.status >= 300 && res.status < 400) {
        await res.arrayBuffer();
        const location = res.headers.get('location');
        if (!location) throw new TokenTrayError('login-failed', 'A redirect without a Location.');
        url = new URL(location, url).toString();
        continue;
      }
      const html = await res.text();
      if (res.status !== 200) {
        const reason = /id="sim-error">([^<]*)</.exec(html)?.[1] ?? `HTTP ${res.status}`;
        throw new TokenTrayError('login-failed', `The broker's login page said: ${reason}`);
      }
      const action = /<form method="post" action="([^"]+)"/.exec(html)?.[1];
      if (action === undefined) {
        throw new TokenTrayError('login-failed', 'The login page has no login form.');
      }
      url = new URL(decodeHtmlAttribute(action), url).toString();
      form = `decision=${this.options.decision?.() ?? 'login'}`;
    }
    throw new TokenTrayError('login-failed', 'The login page redirected too many times.');
  }
}
