/** The fault matrix for `rpower on` (docs/fault-matrix.md). */
import { KNOWN_FAILURES } from './known.js';
import { matrixSuite } from './matrix.js';

matrixSuite('rpower on', KNOWN_FAILURES);
