/** Whether a process with this pid exists on this machine (signal 0 checks without signalling). */
export function isProcessAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: it exists but belongs to another user.
    return typeof e === 'object' && e !== null && 'code' in e && e.code === 'EPERM';
  }
}
