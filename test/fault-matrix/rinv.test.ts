/** The fault matrix for `rinv all` (docs/fault-matrix.md). */
import { KNOWN_FAILURES } from './known.js';
import { matrixSuite } from './matrix.js';

matrixSuite('rinv all', KNOWN_FAILURES);
