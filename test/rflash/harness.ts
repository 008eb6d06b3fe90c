/**
 * rflash in-process against the simulator (test/helpers/sim-harness.ts), as the command runs it; image
 * files with a phosphor MANIFEST written into a temporary directory.
 */
import '../../src/executors/redfish/firmware.js';
import '../../src/executors/openbmc/firmware.js';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
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

/** A tar-like image: a MANIFEST text with version/purpose, padded with `size` bytes. */
export function writeImage(
  dir: string,
  name: string,
  version: string,
  purpose: 'BMC' | 'Host',
  o: { bad?: boolean; size?: number } = {},
): string {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, name);
  const manifest = Buffer.from(
    `MANIFEST\0purpose=xyz.openbmc_project.Software.Version.VersionPurpose.${purpose}\nversion=${version}\n${o.bad ? 'HWCTL-SIM-BAD-IMAGE\n' : ''}`,
  );
  writeFileSync(file, Buffer.concat([manifest, Buffer.alloc(o.size ?? 4096, 0x5a)]));
  return file;
}

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
