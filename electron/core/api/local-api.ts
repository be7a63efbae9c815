/**
 * Everything bots reach in the running app, wired to the platform-free app: the CLI socket (always
 * on: only this user can open it), the token event hub, and the loopback HTTP API, started and
 * stopped as Settings → Local API changes (preferences.localApi; off by default). main.ts starts it
 * after the app; tests start it over the app harness.
 */
import type { Preferences, Snapshot } from '../../../shared/domain';
import type { Commands } from '../commands/commands';
import type { Clock, Logger, SecretStore } from '../ports';
import { ApiKeyRing, ApiKeyVault } from './api-keys';
import { DEFAULT_API_PORT, startApiServer, type ApiServer } from './http-server';
import { socketPath } from './local-paths';
import { localApiInputSchema, type LocalApiState } from './socket-protocol';
import { startSocketServer, type SocketServer } from './socket-server';
import { TokenEventHub } from './token-events';

export interface LocalApiDeps {
  readonly commands: Commands;
  readonly subscribe: (listener: (snapshot: Snapshot) => void) => () => void;
  readonly snapshot: () => Snapshot;
  readonly preferences: () => Preferences;
  /** Saves preferences (TokenService.savePreferences): `tokentray api on|off|--port`. */
  readonly savePreferences?: (preferences: Preferences) => Promise<void>;
  readonly clock: Clock;
  readonly logger: Logger;
  /** The keychain under the "TokenTray Local API" service (API_KEY_SERVICE). */
  readonly apiKeySecrets: SecretStore;
  /** Default: socketPath() (TOKENTRAY_SOCKET, XDG_RUNTIME_DIR…). */
  readonly socketPath?: string;
  /** Tests: 0 for a free port instead of the configured one. */
  readonly portOverride?: number;
}

export interface LocalApi {
  readonly events: TokenEventHub;
  readonly vault: ApiKeyVault;
  readonly socket: SocketServer | null;
  /** The HTTP server while it runs. */
  http(): ApiServer | null;
  /** Regenerates the key of a scope; returns it once (Settings shows it with a copy button). */
  regenerateKey(scope: 'status' | 'token'): Promise<string>;
  /** On/off, port, new key: what `tokentray api` and Settings → Local API both call. */
  configure(input: unknown): Promise<LocalApiState>;
  close(): Promise<void>;
}

export async function startLocalApi(deps: LocalApiDeps): Promise<LocalApi> {
  const { logger } = deps;
  const events = new TokenEventHub({ now: () => deps.clock.now() });
  const vault = new ApiKeyVault(deps.apiKeySecrets);
  const keys = new ApiKeyRing();
  let http: ApiServer | null = null;
  let applied = '';
  let applying: Promise<void> = Promise.resolve();

  async function apply(): Promise<void> {
    const settings = deps.preferences().localApi;
    const wanted = settings?.enabled ? String(settings.port ?? DEFAULT_API_PORT) : 'off';
    if (wanted === applied) return;
    applied = wanted;
    if (http) {
      await http.close();
      http = null;
    }
    if (wanted === 'off') return;
    try {
      keys.replace(await vault.load());
      http = await startApiServer({
        commands: deps.commands,
        events,
        keys,
        logger,
        port: deps.portOverride ?? Number(wanted),
      });
    } catch (e) {
      logger.error('local API could not start', {
        error: e instanceof Error ? e.message : 'unknown',
      });
    }
  }

  const unsubscribe = deps.subscribe((snapshot) => {
    events.onSnapshot(snapshot);
    applying = applying.then(apply, apply);
  });
  events.onSnapshot(deps.snapshot());
  applying = applying.then(apply);
  await applying;

  async function configure(raw: unknown): Promise<LocalApiState> {
    const input = localApiInputSchema.parse(raw);
    const current = deps.preferences().localApi ?? { enabled: false, port: DEFAULT_API_PORT };
    if (input.enabled !== undefined || input.port !== undefined) {
      if (!deps.savePreferences) throw new Error('no preference store');
      await deps.savePreferences({
        ...deps.preferences(),
        localApi: {
          enabled: input.enabled ?? current.enabled,
          port: input.port ?? current.port,
        },
      });
      await applying;
    }
    const newKey = input.new_key ? await regenerateKey(input.new_key) : undefined;
    const settings = deps.preferences().localApi ?? { enabled: false, port: DEFAULT_API_PORT };
    return {
      enabled: settings.enabled,
      port: settings.port,
      listening: http?.addresses ?? [],
      keys: await vault.scopes(),
      ...(newKey ? { new_key: newKey } : {}),
    };
  }

  async function regenerateKey(scope: 'status' | 'token'): Promise<string> {
    const key = await vault.regenerate(scope);
    keys.replace(await vault.load());
    return key;
  }

  let socket: SocketServer | null = null;
  try {
    socket = await startSocketServer({
      path: deps.socketPath ?? socketPath(),
      commands: deps.commands,
      subscribe: deps.subscribe,
      snapshot: deps.snapshot,
      logger,
      localApi: configure,
    });
  } catch (e) {
    logger.error('CLI socket could not start; the CLI works on its own', {
      error: e instanceof Error ? e.message : 'unknown',
    });
  }

  return {
    events,
    vault,
    socket,
    http: () => http,
    regenerateKey,
    configure,
    async close() {
      unsubscribe();
      await applying;
      await http?.close();
      await socket?.close();
    },
  };
}
