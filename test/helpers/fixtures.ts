import { join } from 'node:path';
import { ROOT } from './cli.js';

/**
 * The shared reference material: `shared/` stands beside the repository checkout (here and on CI).
 * HWCTL_SHARED points elsewhere when it does not.
 */
export const SHARED = process.env.HWCTL_SHARED ?? join(ROOT, '..', 'shared');
/** Redfish captures (Mockup-Creator short form) and the DMTF JSON schemas. */
export const FIXTURES = join(SHARED, 'fixtures', 'redfish');
