/** The fault matrix for `rvitals all` (docs/fault-matrix.md). */
import { KNOWN_FAILURES } from './known.js';
import { matrixSuite } from './matrix.js';

matrixSuite('rvitals all', KNOWN_FAILURES);
