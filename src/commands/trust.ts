/**
 * `hwctl trust NODERANGE` — pin (add or update) the BMCs' certificate fingerprints in known_bmcs, as
 * ssh's known_hosts: the first step on BMCs with self-signed certificates (docs/security.md).
 */
import type { Argv, CommandModule } from 'yargs';
import type { GlobalArgs } from '../cli/global-options.js';

interface TrustArgs extends GlobalArgs {
  noderange: string;
}

export const trustCommand: CommandModule<GlobalArgs, TrustArgs> = {
  command: 'trust <noderange>',
  describe: "Pin the BMCs' TLS certificates (trust on first use; update after a certificate change)",
  builder: (y: Argv<GlobalArgs>) =>
    y
      .positional('noderange', {
        type: 'string',
        demandOption: true,
        describe: 'Nodes whose BMC certificates to pin',
      })
      .example('$0 trust rack01', 'pin every rack01 BMC, then use `tls: pin` in the inventory')
      .example(
        '$0 trust node07',
        "accept node07's new certificate after a BMC replacement",
      ) as Argv<TrustArgs>,
  handler: async (argv) => {
    const [{ runNodeCommand }, { trustNodes }] = await Promise.all([
      import('../cli/node-command.js'),
      import('../bmc/index.js'),
    ]);
    process.exitCode = await runNodeCommand(argv, {
      command: `trust ${argv.noderange}`,
      noderange: argv.noderange,
      defaultTimeoutMs: 30_000,
      execute: (nodes, o) => trustNodes(nodes, o),
      view: {
        text: (t) => [
          t.status === 'updated'
            ? `updated ${t.host} ${t.fingerprint} (was ${t.previous})`
            : `${t.status} ${t.host} ${t.fingerprint}`,
        ],
        columns: [
          { header: 'STATUS', value: (t) => t.status },
          { header: 'BMC', value: (t) => t.host },
          { header: 'SHA-256 FINGERPRINT', value: (t) => t.fingerprint },
        ],
      },
    });
  },
};
