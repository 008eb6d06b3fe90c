/** The fault matrix for `rpower stat` (docs/fault-matrix.md). */
import { KNOWN_FAILURES } from './known.js';
import { matrixSuite } from './matrix.js';

matrixSuite('rpower stat', KNOWN_FAILURES);
