/**
 * Every command hwctl knows. These modules are yargs definitions only: their handlers import the
 * manager/executor/BMC code when they run.
 */
import type { CommandModule } from 'yargs';
import type { GlobalArgs } from '../cli/global-options.js';
import { completionCommand } from './completion.js';
import { configCommand } from './config.js';
import { nodelsCommand } from './nodels.js';
import { rbeaconCommand } from './rbeacon.js';
import { reventlogCommand } from './reventlog.js';
import { rinvCommand } from './rinv.js';
import { rpowerCommand } from './rpower.js';
import { rsetbootCommand } from './rsetboot.js';
import { rflashCommand } from './rflash.js';
import { rspconfigCommand } from './rspconfig.js';
import { rvitalsCommand } from './rvitals.js';
import { simCommand } from './sim.js';
import { trustCommand } from './trust.js';

/** The xCAT names hwctl also answers to when installed under them (package.json `bin`). */
export const XCAT_COMMAND_NAMES = [
  'rpower',
  'rsetboot',
  'rinv',
  'rvitals',
  'reventlog',
  'rbeacon',
  'rspconfig',
  'rflash',
] as const;

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- yargs command modules differ in their argument types
export const COMMANDS: CommandModule<GlobalArgs, any>[] = [
  nodelsCommand,
  trustCommand,
  rpowerCommand,
  rsetbootCommand,
  rinvCommand,
  rvitalsCommand,
  reventlogCommand,
  rbeaconCommand,
  rspconfigCommand,
  rflashCommand,
  simCommand,
  configCommand,
  completionCommand,
];
