import { join } from 'node:path';
import { ROOT } from './cli.js';

/**
 * Redfish captures (Mockup-Creator short form) and the DMTF JSON schemas the tests use, kept in the
 * repository (test/fixtures/README.md says where each came from and its licence), so a fresh clone
 * tests with nothing beside it.
 */
export const FIXTURES = join(ROOT, 'test', 'fixtures', 'redfish');
