/**
 * Freezes a plain data value all the way down. Snapshots are shared by every subscriber (tray,
 * notifier, renderer bridge): freezing them makes "immutable" a property the runtime enforces, so a
 * view that tried to edit what it was shown fails at once instead of changing what others see.
 */
export function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}
