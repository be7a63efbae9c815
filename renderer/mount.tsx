import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import type { TokenTrayApi } from '../shared/ipc-contract';
import { App } from './app';
import type { Clock } from './clock';
import './styles/app.css';

export interface MountOptions {
  readonly clock?: Clock;
  readonly timeZone?: string;
}

/** Renders the dashboard into `#root`. The demo calls this with its own bridge and clock. */
export function mountApp(api: TokenTrayApi | undefined, options: MountOptions = {}): void {
  const root = document.getElementById('root');
  if (!root) throw new Error('TokenTray: the page has no #root element');
  createRoot(root).render(
    <StrictMode>
      <App api={api} {...options} />
    </StrictMode>,
  );
}
