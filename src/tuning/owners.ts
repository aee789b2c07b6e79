/**
 * @internal Who runs what: this process as a trial owner (`host:pid`), the trials and sessions it
 * runs now, and whether the owner of a running trial is certainly gone.
 */
import { hostname } from 'node:os';

/** @internal This process as a trial owner. */
export const OWNER = `${hostname()}:${process.pid}`;

/** @internal Trials this process is running now. */
export const ACTIVE = new Set<string>();

/** @internal Sessions (searches, sample loops) this process has open now. */
export const ACTIVE_SESSIONS = new Set<string>();

let serial = 0;
let prefixTime = -1;
let prefix = '';

/** @internal A new id, unique across processes sharing a study: `<owner>:<time>:<serial>`. */
export function newId(): string {
  const now = Date.now();
  if (now !== prefixTime) {
    prefixTime = now;
    prefix = `${OWNER}:${now.toString(36)}:`;
  }
  return prefix + (serial++).toString(36);
}

/** @internal Whether an owner (`host:pid`) is a process of this machine. */
export function sameHost(owner: string): boolean {
  return owner.slice(0, owner.lastIndexOf(':')) === hostname();
}

/**
 * @internal Whether the process `owner` (`host:pid`) is certainly gone. `id` is the trial (or
 * session) it ran: an owner with this process's pid that this process does not run is a dead
 * process whose pid was reused. A process of another machine cannot be checked: it is taken as
 * alive.
 */
export function ownerIsDead(owner: string, id: string): boolean {
  if (owner === OWNER) return !ACTIVE.has(id) && !ACTIVE_SESSIONS.has(id);
  if (!sameHost(owner)) return false;
  const pid = Number(owner.slice(owner.lastIndexOf(':') + 1));
  if (!Number.isInteger(pid) || pid <= 0) return true;
  try {
    process.kill(pid, 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}
