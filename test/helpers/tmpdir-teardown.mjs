// jest globalTeardown: a test that leaves anything in the temporary directory fails the run (it belongs in
// the test's afterAll/afterEach); the directory goes either way.
import { readdirSync, rmSync } from 'node:fs';

export default function teardown() {
  if (process.env.HWCTL_TEST_STATE) rmSync(process.env.HWCTL_TEST_STATE, { recursive: true, force: true });
  const dir = process.env.HWCTL_TEST_TMPDIR;
  if (!dir) return;
  const left = readdirSync(dir);
  rmSync(dir, { recursive: true, force: true });
  if (left.length > 0)
    throw new Error(
      `the tests left ${left.length} entries in the temporary directory: ${left.sort().join(', ')}`,
    );
}
