/**
 * The check every manager makes on the executor the engine hands it: an executor registered for a
 * capability must implement that capability's operations. One that does not is a registration mistake,
 * not a BMC answer: the node ends as unsupported, naming what is missing.
 */
import { NodeError } from '../core/errors.js';
import type { Executor } from '../engine/executor.js';

export function requireOps<E extends Executor>(
  executor: Executor,
  capability: string,
  ops: ReadonlyArray<keyof E & string>,
): E {
  const ex = executor as unknown as Record<string, unknown>;
  const missing = ops.filter((op) => typeof ex[op] !== 'function');
  if (missing.length > 0) {
    throw new NodeError(
      'unsupported',
      `the ${executor.flavor} ${capability} executor does not implement ${missing.join(', ')}`,
    );
  }
  return executor as E;
}
