/**
 * zod compiles object parsers with `new Function` when it may. The CSP has no 'unsafe-eval' (and
 * requires Trusted Types), so its probe would be blocked and logged as a violation: use the
 * interpreter instead. Imported before anything parses.
 */
import { z } from 'zod';

z.config({ jitless: true });
