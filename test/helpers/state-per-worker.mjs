// jest setupFiles: hwctl's state directory (XDG_STATE_HOME: rflash's per-node locks and records, known_bmcs,
// the discovery cache, @failed) per jest worker, under the run's home (tmpdir-setup.mjs). Test files in two
// workers use the same simulated node names: with one state directory, an rflash test in one worker found
// the node locked, or its record rewritten, by a test of the other ("Another process is already flashing").
import { join } from 'node:path';

if (process.env.HWCTL_TEST_HOME && process.env.JEST_WORKER_ID) {
  process.env.XDG_STATE_HOME = join(process.env.HWCTL_TEST_HOME, `state-${process.env.JEST_WORKER_ID}`);
}
