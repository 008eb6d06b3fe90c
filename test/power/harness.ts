/**
 * Running rpower/rsetboot in-process against a simulator, as the command handlers do (parse, then the
 * shared node-command pipeline), with output captured.
 */
// Loaded up front: jest's ESM loader fails on concurrent dynamic imports of modules that import node: builtins.
import '../../src/executors/registry.js';
import '../../src/executors/builtin.js';
import '../../src/executors/redfish/power.js';
import '../../src/executors/redfish/boot.js';
import '../../src/executors/openbmc/power.js';
import '../../src/executors/openbmc/boot.js';
import '../../src/bmc/index.js';
import '../../src/engine/run.js';
import nock from 'nock';
import type { GlobalArgs } from '../../src/cli/global-options.js';
import { runNodeCommand } from '../../src/cli/node-command.js';
import { bootRequest, bootView, parseBootArgs, DEFAULT_BOOT_TIMEOUT_MS } from '../../src/managers/boot.js';
import { defaultPowerTimeoutMs, parsePowerArgs, powerRequest, powerView } from '../../src/managers/power.js';
import type { OutputFormat } from '../../src/output/render.js';

export interface Captured {
  code: number;
  out: string[];
  err: string[];
  /** stdout lines by node (`node: text`). */
  byNode: Map<string, string>;
  /** Parsed json document when run with output json. */
  json?: {
    results: Array<{
      node: string;
      ok: boolean;
      value?: Record<string, unknown>;
      error?: { kind: string; message: string };
    }>;
  };
}

export interface RunOpts {
  output?: OutputFormat;
  timeout?: number;
  fanout?: number;
  wait?: string;
  expect?: string;
  interval?: number;
  persistent?: boolean;
  uefi?: boolean;
  extra?: Partial<GlobalArgs>;
}

// A nock test file that ran earlier in this jest worker may have left its interceptor in node:http
// (jest shares core modules across test files): real sockets to the simulator need it gone.
nock.restore();

function globals(inventory: string, o: RunOpts): GlobalArgs {
  return {
    inventory,
    output: o.output ?? 'text',
    fanout: o.fanout ?? 64,
    timeout: o.timeout,
    collate: false,
    quiet: true,
    color: false,
    debug: false,
    verbose: false,
    passwordStdin: false,
    insecure: false,
    ...o.extra,
  };
}

function capture(): { sink: { out(t: string): void; err(t: string): void }; c: Captured } {
  const c: Captured = { code: -1, out: [], err: [], byNode: new Map() };
  return {
    c,
    sink: {
      out: (t) => {
        c.out.push(t);
        const m = /^([^:\s]+): (.*)$/.exec(t);
        if (m) c.byNode.set(m[1]!, m[2]!);
      },
      err: (t) => {
        c.err.push(t);
        const m = /^([^:\s]+): (Error: .*)$/.exec(t);
        if (m) c.byNode.set(m[1]!, m[2]!);
      },
    },
  };
}

function finish(c: Captured, code: number, o: RunOpts): Captured {
  c.code = code;
  if (o.output === 'json') c.json = JSON.parse(c.out.join('\n')) as Captured['json'];
  return c;
}

export async function rpower(
  inventory: string,
  noderange: string,
  words: string[],
  o: RunOpts = {},
): Promise<Captured> {
  const args = parsePowerArgs({
    actions: words,
    wait: o.wait,
    expect: o.expect,
    interval: o.interval ?? 0.05,
  });
  const { sink, c } = capture();
  const code = await runNodeCommand(
    globals(inventory, o),
    {
      command: `rpower ${noderange} ${args.verb}`,
      noderange,
      request: (nodes) => powerRequest(nodes, args),
      view: powerView,
      defaultTimeoutMs: defaultPowerTimeoutMs(args),
    },
    sink,
  );
  return finish(c, code, o);
}

export async function rsetboot(
  inventory: string,
  noderange: string,
  words: string[],
  o: RunOpts = {},
): Promise<Captured> {
  const args = parseBootArgs({ actions: words, persistent: o.persistent, uefi: o.uefi });
  const { sink, c } = capture();
  const code = await runNodeCommand(
    globals(inventory, o),
    {
      command: `rsetboot ${noderange} ${args.device ?? 'stat'}`,
      noderange,
      request: (nodes) => bootRequest(nodes, args),
      view: bootView,
      defaultTimeoutMs: DEFAULT_BOOT_TIMEOUT_MS,
    },
    sink,
  );
  return finish(c, code, o);
}
