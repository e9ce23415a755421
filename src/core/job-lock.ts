/**
 * When a job's lock is held by a run that is not running any more. A run renews its lease every
 * `LOCK_RENEW_MS`; its lock is stale when the lease has run out (the process died or froze, on any
 * machine sharing the store), or at once when the holder is a process of this host that no longer exists
 * (after `kill -9`, a reboot, an out-of-memory kill).
 */
export const LOCK_RENEW_MS = 30_000;
/** Ten missed renewals: longer than any pause a live process makes, short enough for the next night. */
export const LOCK_LEASE_MS = 5 * 60_000;

export interface LockView {
  /** `host:pid` of the process holding the lock. */
  readonly holder: string;
  readonly renewedAt: string;
}

export interface ThisProcess {
  readonly host: string;
  readonly pid: number;
  /** Whether a process of this host with the pid exists. */
  readonly alive: (pid: number) => boolean;
}

export function parseHolder(holder: string): { host: string; pid: number | undefined } {
  const at = holder.lastIndexOf(':');
  if (at < 0) return { host: holder, pid: undefined };
  const pid = Number(holder.slice(at + 1));
  return { host: holder.slice(0, at), pid: Number.isInteger(pid) && pid > 0 ? pid : undefined };
}

/** Why the lock's holder is gone, or undefined while it may still be running. */
export function staleLockReason(
  lock: LockView,
  now: Date,
  here: ThisProcess,
  leaseMs: number = LOCK_LEASE_MS,
): string | undefined {
  const { host, pid } = parseHolder(lock.holder);
  if (host === here.host && pid !== undefined && pid !== here.pid && !here.alive(pid))
    return `its process (pid ${pid} on ${host}) is no longer running`;
  const silentMs = now.getTime() - new Date(lock.renewedAt).getTime();
  if (Number.isFinite(silentMs) && silentMs > leaseMs)
    return `it has not renewed its lease for ${Math.round(silentMs / 60_000)} min (since ${lock.renewedAt})`;
  return undefined;
}
