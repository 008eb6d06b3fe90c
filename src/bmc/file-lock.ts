/**
 * A lock between processes on one file (no native dependency): `<file>.lock`, created with O_EXCL and
 * holding `<pid> <host>`. withFileLock is meant for critical sections of milliseconds (read, merge, write,
 * rename): waiters poll with a short jittered backoff. holdFileLock takes it for as long as an operation
 * runs, or says who has it.
 *
 * A lock left by a process that died is broken: at once when its holder ran on this host and its pid is
 * gone, otherwise once the lock is older than `staleMs` (another host sharing the file over NFS, a holder
 * that hangs). Breaking is guarded by `<file>.lock.break` (O_EXCL too), so two waiters that both judged
 * the same lock stale cannot have the second one remove the lock the first one has just taken.
 */
import { closeSync, fstatSync, openSync, readFileSync, statSync, unlinkSync, writeSync } from 'node:fs';
import type { Stats } from 'node:fs';
import { hostname } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';

export interface FileLockOptions {
  /** Age after which a lock whose holder cannot be checked is taken as abandoned. Default 10 s. */
  staleMs?: number;
  /** Give up waiting after this long. Default 20 s. */
  timeoutMs?: number;
}

export class FileLockError extends Error {
  override name = 'FileLockError';
}

const HOST = hostname();

function errno(e: unknown): string | undefined {
  return (e as NodeJS.ErrnoException).code;
}

/** Create the lock file; its inode when we hold it, undefined when someone else does. */
function tryCreate(lock: string): number | undefined {
  let fd: number;
  try {
    fd = openSync(lock, 'wx', 0o600);
  } catch (e) {
    if (errno(e) === 'EEXIST') return undefined;
    throw e;
  }
  try {
    writeSync(fd, `${process.pid} ${HOST}\n`);
    return fstatSync(fd).ino;
  } finally {
    closeSync(fd);
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: it exists, it is someone else's.
    return errno(e) !== 'ESRCH';
  }
}

/** Whether the lock `st` (at `lock`) was abandoned. A lock just created may still be empty: age only then. */
function isStale(lock: string, st: Stats, staleMs: number): boolean {
  if (Date.now() - st.mtimeMs > staleMs) return true;
  let holder: string;
  try {
    holder = readFileSync(lock, 'utf8');
  } catch {
    return false;
  }
  const [pid, host] = holder.trim().split(/\s+/);
  return host === HOST && Number(pid) > 0 && !alive(Number(pid));
}

/** How old a break guard left by a breaker that died may get (breaking takes milliseconds). */
const GUARD_STALE_MS = 10_000;

/** Remove `lock` if it is abandoned, under the break guard. */
function breakIfStale(lock: string, staleMs: number): void {
  const guard = `${lock}.break`;
  let fd: number;
  try {
    fd = openSync(guard, 'wx', 0o600);
  } catch (e) {
    if (errno(e) !== 'EEXIST') throw e;
    // Someone is breaking it now; a guard left by a breaker that died ages out like a lock.
    try {
      if (Date.now() - statSync(guard).mtimeMs > Math.min(staleMs, GUARD_STALE_MS)) unlinkSync(guard);
    } catch {
      // gone meanwhile
    }
    return;
  }
  try {
    let st: Stats;
    try {
      st = statSync(lock);
    } catch {
      return; // released meanwhile
    }
    if (isStale(lock, st, staleMs)) unlinkSync(lock);
  } finally {
    closeSync(fd);
    unlinkSync(guard);
  }
}

function holderOf(lock: string): string {
  try {
    const [pid, host] = readFileSync(lock, 'utf8').trim().split(/\s+/);
    return pid ? `process ${pid}${host && host !== HOST ? ` on ${host}` : ''}` : 'another process';
  } catch {
    return 'another process';
  }
}

/** Remove the lock we took (inode `ino`), not one another process took after ours was broken. */
function releaseOwn(lock: string, ino: number): void {
  try {
    if (statSync(lock).ino === ino) unlinkSync(lock);
  } catch {
    // already gone
  }
}

/**
 * Hold the lock on `file` until the returned release is called, without waiting: for a long operation
 * that must not run twice at once (rflash on one node). A lock whose holder died on this host is broken
 * (under the same guard); one held by a live process, or by another host, is not, however old: then
 * `holder` says who ("process 123", "process 123 on host2") and nothing is held.
 */
export function holdFileLock(file: string): { release: () => void } | { holder: string } {
  const lock = `${file}.lock`;
  for (let attempt = 0; attempt < 2; attempt++) {
    const ino = tryCreate(lock);
    if (ino !== undefined) return { release: () => releaseOwn(lock, ino) };
    breakIfStale(lock, Infinity);
  }
  return { holder: holderOf(lock) };
}

/** Run `fn` (synchronous: the lock is held for as short a time as possible) holding the lock on `file`. */
export async function withFileLock<T>(file: string, fn: () => T, o: FileLockOptions = {}): Promise<T> {
  const lock = `${file}.lock`;
  const staleMs = o.staleMs ?? 10_000;
  const deadline = Date.now() + (o.timeoutMs ?? 20_000);
  let delay = 2;
  let ino: number | undefined;
  while ((ino = tryCreate(lock)) === undefined) {
    breakIfStale(lock, staleMs);
    if (Date.now() > deadline) {
      throw new FileLockError(`${lock} is held by ${holderOf(lock)}; remove it if no hwctl is running`);
    }
    await sleep(delay + Math.random() * delay);
    delay = Math.min(delay * 2, 50);
  }
  try {
    return fn();
  } finally {
    // Only our own lock: had we been taken for dead and our lock broken, the file is another's now.
    releaseOwn(lock, ino);
  }
}
