/**
 * The fault-matrix cells that fail today, each for a client defect being fixed elsewhere. Their tests
 * run as `it.failing`: green while the defect is there, red as soon as the fix lands. When a fix lands,
 * delete its entry here (the cells become plain `it`) and list it in docs/fault-matrix.md as fixed.
 */
import type { KnownFailure } from './matrix.js';

// Empty: every defect the matrix was built to show is fixed (docs/fault-matrix.md lists them). A cell that
// fails for a reason being fixed elsewhere goes here, with the defect named, until its fix lands.
export const KNOWN_FAILURES: readonly KnownFailure[] = [];
