import { expect } from '@jest/globals';
import { HwctlUsageError } from '../../src/core/errors.js';

/** The message of the usage error `fn` throws (fails the test when it throws anything else or nothing). */
export function usage(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(HwctlUsageError);
    return (e as Error).message;
  }
  throw new Error('expected a usage error');
}
