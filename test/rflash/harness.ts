/**
 * rflash in-process against the simulator (test/helpers/sim-harness.ts), as the command runs it; image
 * files with a phosphor MANIFEST written into a temporary directory.
 */
import '../../src/executors/redfish/firmware.js';
import '../../src/executors/openbmc/firmware.js';
import {
  flashEffect,
  flashRequest,
  flashTimeoutMs,
  flashView,
  parseFlashArgs,
  type FlashParseInput,
} from '../../src/managers/firmware.js';
import { runCommand, type RunOpts } from '../helpers/sim-harness.js';
import { capture, type Captured } from '../rspconfig/harness.js';

export { writeImage } from './images.js';

export async function rflash(
  inventory: string,
  noderange: string,
  input: Omit<FlashParseInput, 'pollInterval'> & { pollInterval?: number },
  o: RunOpts & { yes?: boolean } = {},
): Promise<Captured> {
  const args = await parseFlashArgs({ pollInterval: 0.05, ...input });
  const effect = flashEffect(args);
  const run = await runCommand(
    inventory,
    {
      command: `rflash ${noderange} ${args.flag}`,
      noderange,
      request: (nodes) => flashRequest(nodes, args),
      view: flashView,
      defaultTimeoutMs: flashTimeoutMs(args),
      ...(effect ? { effect } : {}),
    },
    { ...o, extra: { ...o.extra, ...(o.yes ? { yes: true } : {}) } },
  );
  return capture(run);
}
