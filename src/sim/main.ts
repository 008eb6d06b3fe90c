#!/usr/bin/env node
/**
 * Standalone entry: `node dist/sim/main.js [options]` — the same as `hwctl sim [options]`.
 */
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { runSimCommand, simCommandOptions, type SimCliOptions } from './cli.js';

const argv = await yargs(hideBin(process.argv))
  .scriptName('hwctl-sim')
  .usage('$0 [options]\n\nRun a fleet of simulated Redfish / OpenBMC BMCs in the foreground.')
  .options(simCommandOptions)
  .strict()
  .help()
  .parse();
process.exitCode = await runSimCommand(argv as SimCliOptions);
