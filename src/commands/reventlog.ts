/**
 * `hwctl reventlog NODERANGE [N|all|clear|resolved=ID,...] [-s] [--log NAME]` — BMC event logs, as xCAT's
 * reventlog. A light definition: the handler imports the manager, engine and BMC code when it runs.
 * Docs: docs/commands/reventlog.md.
 */
import type { Argv, CommandModule } from 'yargs';
import type { GlobalArgs } from '../cli/global-options.js';

interface ReventlogArgs extends GlobalArgs {
  noderange: string;
  option?: Array<string | number>;
  s: boolean;
  log?: string[];
  policyTable?: string;
}

export const reventlogCommand: CommandModule<GlobalArgs, ReventlogArgs> = {
  command: 'reventlog <noderange> [option..]',
  describe: 'Show, clear or resolve BMC event log entries',
  builder: (y: Argv<GlobalArgs>) =>
    y
      .positional('noderange', { type: 'string', describe: 'Nodes to act on', demandOption: true })
      .positional('option', {
        type: 'string',
        array: true,
        describe:
          'N (newest N entries) | all (default) | clear | resolved=ID,... (OpenBMC ids, Redfish LOG/ID) | resolved=LED (OpenBMC)',
      })
      .option('s', {
        type: 'boolean',
        default: false,
        describe: 'Newest entries first (Redfish; xCAT refuses -s for OpenBMC)',
      })
      .option('log', {
        type: 'string',
        array: true,
        describe:
          'Redfish: only these LogServices, by Id or Name (e.g. --log SEL,Lclog); default every event log',
      })
      .option('policy-table', {
        type: 'string',
        describe:
          'OpenBMC: IBM RAS policy table to translate entries (default /opt/ibm/ras/lib/policyTable.json if present)',
      })
      .example('$0 reventlog node01', 'every entry, oldest first')
      .example('$0 reventlog rack1 10 -c', 'the newest 10 entries of each node, identical logs grouped')
      .example('$0 reventlog node01 5 --log SEL', 'the newest 5 entries of the Redfish SEL only')
      .example('$0 reventlog node01 clear', 'clear the log')
      .example('$0 reventlog node01 resolved=3,4', 'mark entries 3 and 4 resolved') as Argv<ReventlogArgs>,
  handler: async (argv) => {
    const {
      parseEventlogArgs,
      eventlogRequest,
      eventlogView,
      eventlogCommandWords,
      resolveAnnouncement,
      DEFAULT_EVENTLOG_TIMEOUT_MS,
    } = await import('../managers/eventlog.js');
    const input: Parameters<typeof parseEventlogArgs>[0] = {
      options: (argv.option ?? []).map(String),
      sort: argv.s,
    };
    if (argv.log !== undefined) input.log = argv.log;
    if (argv.policyTable !== undefined) input.policyTable = argv.policyTable;
    const args = parseEventlogArgs(input);
    const { runNodeCommand } = await import('../cli/node-command.js');
    process.exitCode = await runNodeCommand(argv, {
      command: ['reventlog', argv.noderange, ...eventlogCommandWords(args)].join(' '),
      noderange: argv.noderange,
      request: (nodes) => {
        const req = eventlogRequest(nodes, args);
        // xCAT says what it is about to resolve before it does (no node prefix); kept off stdout.
        const note = resolveAnnouncement(args);
        if (note && argv.output === 'text' && !argv.quiet) process.stderr.write(`${note}\n`);
        return req;
      },
      view: eventlogView,
      defaultTimeoutMs: DEFAULT_EVENTLOG_TIMEOUT_MS,
      // Clearing loses the log for good; marking entries resolved does not.
      effect: args.op === 'clear' ? 'destructive' : args.op === 'resolve' ? 'change' : undefined,
    });
  },
};
