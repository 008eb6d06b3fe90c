/**
 * The session ledger: every BMC session this process opens, until it is closed.
 *
 * Per node, clients close their session through ctx.defer (the engine runs cleanups on every path).
 * The ledger is the process-wide safety net: on SIGINT/SIGTERM or an unexpected exception the CLI
 * calls closeAllSessions() so that no session is left behind on any BMC.
 */
import type { OpenSession } from './types.js';

interface Entry {
  info: OpenSession;
  close: () => Promise<void>;
}

const entries = new Map<number, Entry>();
let nextId = 1;

/** Record an open session; returns the function that removes it (call when it is closed). */
export function recordSession(info: OpenSession, close: () => Promise<void>): () => void {
  const id = nextId++;
  entries.set(id, { info, close });
  return () => {
    entries.delete(id);
  };
}

export function openSessions(): OpenSession[] {
  return [...entries.values()].map((e) => ({ ...e.info }));
}

/** Close every open session in parallel; resolves after at most timeoutMs even if BMCs hang. */
export async function closeAllSessions(timeoutMs: number): Promise<void> {
  const closing = [...entries.values()].map((e) => e.close().catch(() => undefined));
  if (closing.length === 0) return;
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    Promise.all(closing),
    new Promise<void>((resolve) => {
      timer = setTimeout(resolve, timeoutMs);
      timer.unref?.();
    }),
  ]);
  clearTimeout(timer);
}
