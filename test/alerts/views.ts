/** Account views and preferences for the alert tests and the alerts bench. */
import type { BrokerId } from '../../shared/brokers';
import {
  DEFAULT_ACCOUNT_THRESHOLDS,
  preferencesSchema,
  type AccountView,
  type Preferences,
  type Snapshot,
} from '../../shared/domain';
import type { AlertSettings } from '../../shared/alert-settings';

export function view(
  broker: BrokerId,
  label: string,
  over: Partial<AccountView> = {},
): AccountView {
  return {
    id: `${broker}-${label.toLowerCase()}`,
    broker,
    label,
    status: 'none',
    expiresAt: null,
    issuedAt: null,
    refreshExpiresAt: null,
    lastRefreshAt: null,
    lastValidatedAt: null,
    tokenMasked: null,
    userName: null,
    busy: null,
    lastError: null,
    exportTargets: [],
    lastExport: [],
    autoRefresh: false,
    canRefresh: false,
    hasPin: false,
    apiKey: 'fake-key',
    redirectUri: 'http://127.0.0.1:5055/callback',
    thresholds: DEFAULT_ACCOUNT_THRESHOLDS,
    ...over,
  };
}

/** A token issued at `issued`, good until `expires` (the status is recomputed from the clock). */
export function withToken(v: AccountView, issued: Date, expires: Date): AccountView {
  return {
    ...v,
    status: 'valid',
    issuedAt: issued.toISOString(),
    expiresAt: expires.toISOString(),
    tokenMasked: 'eyJ0…k3Xq',
  };
}

export function snapshotOf(accounts: AccountView[], at: Date): Snapshot {
  return { at: at.toISOString(), accounts, notificationsPausedUntil: null };
}

export function prefsWith(
  alerts: Partial<AlertSettings> | undefined,
  holidays?: string[],
): Preferences {
  return preferencesSchema.parse({
    ...(holidays ? { holidays } : {}),
    ...(alerts ? { alerts } : {}),
  });
}
