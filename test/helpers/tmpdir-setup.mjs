// jest globalSetup: the run gets a temporary directory of its own (TMPDIR, so os.tmpdir() in the workers
// and in the processes the tests start), which tmpdir-teardown.mjs checks is empty at the end; and a home
// of its own for hwctl's state (XDG_STATE_HOME: known_bmcs, the discovery cache, the last run's failed
// nodes, the audit log) and config (XDG_CONFIG_HOME), never the user's, beside the temporary directory
// (which must be left empty) and removed at the end.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export default function setup() {
  const dir = mkdtempSync(join(tmpdir(), 'hwctl-test-run-'));
  process.env.HWCTL_TEST_TMPDIR = dir;
  process.env.TMPDIR = dir;
  const home = mkdtempSync(join(tmpdir(), 'hwctl-test-home-'));
  process.env.HWCTL_TEST_HOME = home;
  process.env.XDG_STATE_HOME = join(home, 'state');
  process.env.XDG_CONFIG_HOME = join(home, 'config');
}
