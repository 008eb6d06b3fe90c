/** The fault matrix for `reventlog` (docs/fault-matrix.md). */
import { KNOWN_FAILURES } from './known.js';
import { matrixSuite } from './matrix.js';

matrixSuite('reventlog', KNOWN_FAILURES);
