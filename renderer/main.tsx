/**
 * The dashboard's entry: the preload has already put the typed API on `window.tokentray` (or has not,
 * and the app says so instead of crashing).
 */
import { mountApp } from './mount';

mountApp(window.tokentray);
