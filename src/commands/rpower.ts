/**
 * `hwctl rpower NODERANGE on|off|softoff|reset|boot|stat|state|status|bmcstate|bmcreboot` — power control
 * as xCAT's rpower. A light definition: the handler imports the manager, engine and BMC code when it runs,
 * so `--help` loads none of them. Docs: docs/commands/rpower.md.
 */
import type { Argv, CommandModule } from 'yargs';
import type { GlobalArgs } from '../cli/global-options.js';
import { rollingFrom, rollingOptions, type RollingArgs } from '../cli/rolling-options.js';

interface RpowerArgs extends GlobalArgs, RollingArgs {
  noderange: string;
  action?: string[];
  wait?: string;
  expect?: string;
  interval?: number;
}

export const rpowerCommand: CommandModule<GlobalArgs, RpowerArgs> = {
  command: 'rpower <noderange> [action..]',
  describe: 'Power on/off/reset nodes, show power and BMC state',
  builder: (y: Argv<GlobalArgs>) =>
    y
      .positional('noderange', { type: 'string', describe: 'Nodes to act on', demandOption: true })
      .positional('action', {
        type: 'string',
        array: true,
        describe:
          'on | off (hard) | softoff (OS shutdown) | reset | boot (on if off, else reset) | stat | state | status | ' +
          'bmcstate | bmcreboot',
      })
      .option('wait', {
        type: 'string',
        describe:
          'Wait until the target state is reached (at most SECONDS, default 300) and print it with the time taken',
        requiresArg: false,
      })
      .option('expect', {
        type: 'string',
        describe: 'With stat: a node in another state (on|off) counts as failed (exit 1)',
      })
      .option('interval', {
        type: 'number',
        describe: 'Seconds between state polls while waiting (default 2)',
      })
      .options(rollingOptions)
      .example('$0 rpower node01 on', 'power on (nothing sent if already on)')
      .example('$0 rpower rack1 reset --wait=180', 'reset and wait until each node is on again')
      .example('$0 rpower all stat --expect on -q', 'CI smoke check: exit 1 if any node is not on')
      .example('$0 rpower rack1 on --batch 8 --batch-delay 30', 'power on 8 nodes at a time, 30 s apart')
      .example('$0 rpower rack1 stat -c', 'power state, identical results grouped')
      .example(
        '$0 rpower node01 bmcreboot --wait',
        'reboot the BMC and wait until it is ready',
      ) as Argv<RpowerArgs>,
  handler: async (argv) => {
    const { parsePowerArgs, powerRequest, powerView, defaultPowerTimeoutMs, powerEffect } =
      await import('../managers/power.js');
    const args = parsePowerArgs({
      actions: argv.action ?? [],
      wait: argv.wait,
      expect: argv.expect,
      interval: argv.interval,
    });
    const rolling = rollingFrom(argv);
    const { runNodeCommand } = await import('../cli/node-command.js');
    process.exitCode = await runNodeCommand(argv, {
      command: ['rpower', argv.noderange, args.verb].join(' '),
      noderange: argv.noderange,
      request: (nodes) => powerRequest(nodes, args, rolling),
      view: powerView,
      defaultTimeoutMs: defaultPowerTimeoutMs(args),
      effect: powerEffect(args.verb),
      // One or two requests per node warm (state read, action); waiting polls, a session pays off there.
      ...(args.waitMs === undefined ? { preferredAuth: 'basic' as const } : {}),
    });
  },
};
