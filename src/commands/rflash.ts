/**
 * `hwctl rflash NODERANGE ...` — firmware list, check, upload, activation, deletion and the `-d`
 * directory update, as xCAT's rflash, bounded (--deadline) and resumable (--status). A light definition:
 * the handler imports the manager, engine and BMC code when it runs. Docs: docs/commands/rflash.md.
 */
import type { Argv, CommandModule } from 'yargs';
import type { GlobalArgs } from '../cli/global-options.js';
import { numberOption } from '../cli/global-options.js';

interface RflashArgs extends GlobalArgs {
  noderange: string;
  words?: string[];
  list?: boolean;
  upload?: boolean;
  activate?: boolean;
  delete?: boolean;
  directory?: boolean;
  'host-reboot'?: boolean;
  status?: boolean;
  check?: boolean;
  deadline?: number;
  'upload-fanout'?: number;
  'poll-interval'?: number;
}

export const rflashCommand: CommandModule<GlobalArgs, RflashArgs> = {
  command: 'rflash <noderange> [words..]',
  describe: 'Firmware: list, check, upload, activate, delete, directory update; resumable',
  builder: (y: Argv<GlobalArgs>) =>
    y
      .positional('noderange', { type: 'string', describe: 'Nodes to act on', demandOption: true })
      .positional('words', {
        type: 'string',
        array: true,
        describe: 'image file, image URL, image ID or directory',
      })
      .option('list', { alias: 'l', type: 'boolean', describe: 'List the firmware images on the BMC' })
      .option('upload', { alias: 'u', type: 'boolean', describe: 'Upload FILE (staged, not activated)' })
      .option('activate', {
        alias: 'a',
        type: 'boolean',
        describe: 'Upload and activate FILE (or URL), or activate image ID',
      })
      // -c is hwctl's --collate (a global option): the handler takes it back (below).
      .option('check', {
        type: 'boolean',
        describe: 'Show the version in FILE and the running firmware (xCAT -c)',
      })
      .option('delete', { type: 'boolean', describe: 'Delete image ID' })
      .option('directory', {
        alias: 'd',
        type: 'boolean',
        describe: 'Update BMC and host from the .tar images in DIR, reboot the BMC, restart the host',
      })
      .option('host-reboot', {
        type: 'boolean',
        describe: 'With -d: --no-host-reboot leaves the host running',
      })
      .option('status', {
        type: 'boolean',
        describe: 'Show and resume following the recorded flash of each node',
      })
      .option(
        'deadline',
        numberOption('deadline', { min: 1 }, { describe: 'Seconds the whole run may take (default 3600)' }),
      )
      .option(
        'upload-fanout',
        numberOption(
          'upload-fanout',
          { min: 1, whole: true },
          { describe: 'Uploads in flight at once (default 4): BMC images are large' },
        ),
      )
      .option(
        'poll-interval',
        numberOption('poll-interval', { min: 0.05 }, { describe: 'Seconds between task polls (default 2)' }),
      )
      .example('$0 rflash rack1 -l', 'list the firmware images')
      .example('$0 rflash node01 -c bmc-2.15.tar', 'version in the image, and the running firmware')
      .example('$0 rflash rack1 -a bmc-2.15.tar --yes', 'upload and activate on every node of rack1')
      .example('$0 rflash rack1 -a https://repo/bios-1.9.bin', 'Redfish SimpleUpdate from a URL')
      .example('$0 rflash node01 -d /images --no-host-reboot', 'BMC and host update, host left running')
      .example('$0 rflash rack1 --status', 'resume following an interrupted update') as Argv<RflashArgs>,
  handler: async (argv) => {
    // `-c` is hwctl's --collate; typed after rflash it is xCAT's --check (as rspconfig's `dump -c`).
    const raw = process.argv.slice(2);
    const at = raw.indexOf('rflash'); // absent when invoked as `rflash`
    const bareC = argv.collate === true && raw.slice(at + 1).includes('-c');
    if (bareC) argv.collate = false;
    const check = argv.check === true || bareC;
    const { parseFlashArgs, flashRequest, flashView, flashTimeoutMs, flashEffect } =
      await import('../managers/firmware.js');
    const words = (argv.words ?? []).map(String);
    const args = await parseFlashArgs({
      words,
      list: argv.list,
      check,
      upload: argv.upload,
      activate: argv.activate,
      delete: argv.delete,
      directory: argv.directory,
      hostReboot: argv['host-reboot'],
      status: argv.status,
      deadline: argv.deadline,
      uploadFanout: argv['upload-fanout'],
      pollInterval: argv['poll-interval'],
    });
    const { runNodeCommand } = await import('../cli/node-command.js');
    process.exitCode = await runNodeCommand(argv, {
      command: ['rflash', argv.noderange, args.flag, ...words].join(' '),
      noderange: argv.noderange,
      request: (nodes) => flashRequest(nodes, args),
      view: flashView,
      defaultTimeoutMs: flashTimeoutMs(args),
      plainProgress: true,
      ...(flashEffect(args) ? { effect: flashEffect(args) } : {}),
    });
  },
};
