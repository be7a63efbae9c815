/** The built CLI's entry (dist-electron/cli.js): runs `tokentray` with this process's arguments. */
import { run } from './main';

void run();
