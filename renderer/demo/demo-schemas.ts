/**
 * The schemas the demo bridge checks requests and snapshots with, loaded after the first paint (the
 * real page has no zod at all: main validates). Interpreter mode first (zod-setup.ts).
 */
import '../zod-setup';

export { snapshotSchema } from '../../shared/domain';
export { ipcContract } from '../../shared/ipc-contract';
