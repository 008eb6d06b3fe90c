// jest globalSetup: the run gets a temporary directory of its own (TMPDIR, so os.tmpdir() in the workers
// and in the processes the tests start), which tmpdir-teardown.mjs checks is empty at the end; and a state
// directory of its own (XDG_STATE_HOME: the discovery cache and pin store of the hwctl processes the tests
// start), never the user's, removed at the end.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export default function setup() {
  const state = mkdtempSync(join(tmpdir(), 'hwctl-test-state-'));
  process.env.HWCTL_TEST_STATE = state;
  process.env.XDG_STATE_HOME = state;
  const dir = mkdtempSync(join(tmpdir(), 'hwctl-test-run-'));
  process.env.HWCTL_TEST_TMPDIR = dir;
  process.env.TMPDIR = dir;
}
