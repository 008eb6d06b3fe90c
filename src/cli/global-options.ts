/**
 * Options shared by every node command, as yargs option definitions, and their parsed type.
 * Light on purpose: loaded for `--help`, so it imports nothing that talks to a BMC.
 */
import type { Options } from 'yargs';
import { OUTPUT_FORMATS, type OutputFormat } from '../output/render.js';

export interface GlobalArgs {
  inventory?: string;
  output: OutputFormat;
  fanout: number;
  timeout?: number;
  collate: boolean;
  quiet: boolean;
  color?: boolean;
  debug: boolean;
  verbose: boolean;
  passwordStdin: boolean;
  insecure: boolean;
  ca?: string;
}

export const GLOBAL_GROUP = 'Global options:';

export const globalOptions: Record<string, Options> = {
  inventory: {
    alias: 'i',
    type: 'string',
    describe:
      'Inventory file (default: $HWCTL_INVENTORY, ./hwctl.yaml, $XDG_CONFIG_HOME/hwctl/inventory.yaml, /etc/hwctl/inventory.yaml)',
    group: GLOBAL_GROUP,
  },
  output: {
    alias: 'o',
    choices: OUTPUT_FORMATS,
    default: 'text',
    describe: 'Output format',
    group: GLOBAL_GROUP,
  },
  fanout: {
    alias: 'f',
    type: 'number',
    default: 64,
    describe: 'How many nodes run at once',
    group: GLOBAL_GROUP,
  },
  timeout: {
    alias: 't',
    type: 'number',
    describe: 'Per-node deadline in seconds (default depends on the command)',
    group: GLOBAL_GROUP,
  },
  collate: {
    alias: 'c',
    type: 'boolean',
    default: false,
    describe: 'Group nodes with identical output under one folded noderange',
    group: GLOBAL_GROUP,
  },
  quiet: {
    alias: 'q',
    type: 'boolean',
    default: false,
    describe: 'No summary line on stderr',
    group: GLOBAL_GROUP,
  },
  color: {
    type: 'boolean',
    describe: 'Colour output (default: on a terminal, unless NO_COLOR is set); --no-color turns it off',
    group: GLOBAL_GROUP,
  },
  debug: {
    type: 'boolean',
    default: false,
    describe: 'Print every BMC request as a curl command with status and latency (secrets masked)',
    group: GLOBAL_GROUP,
  },
  verbose: {
    alias: 'V',
    type: 'boolean',
    default: false,
    describe: 'More detail',
    group: GLOBAL_GROUP,
  },
  'password-stdin': {
    type: 'boolean',
    default: false,
    describe: 'Read the BMC password from standard input (one-off use; overrides the inventory)',
    group: GLOBAL_GROUP,
  },
  insecure: {
    type: 'boolean',
    default: false,
    describe: 'Do not verify BMC certificates (warned once per run)',
    group: GLOBAL_GROUP,
  },
  ca: {
    type: 'string',
    describe: 'PEM file of CA certificates to trust for BMC certificates',
    group: GLOBAL_GROUP,
  },
};
