/**
 * `hwctl sim`: run a simulated fleet in the foreground until SIGINT/SIGTERM.
 *
 * The lead's yargs setup turns `simCommandOptions` into options (kebab-case flags, camelCase in
 * argv) and calls `runSimCommand(argv)`. `node dist/sim/main.js` does the same without the rest of hwctl.
 */
import { relative, isAbsolute } from 'node:path';
import { HwctlUsageError } from '../core/errors.js';
import { EXIT } from '../cli/exit-codes.js';
import { FaultSpecError, parseFaultArg, parseLatency, parseMs, type FaultSpec } from './faults.js';
import { startSimulator, SimulatorError, type Simulator, type SimulatorOptions } from './fleet.js';
import { PERSONALITIES, PlanError, type PersonalitySpec } from './plan.js';
import type { Personality } from './types.js';

export interface SimCliOptions {
  nodes?: number;
  /** redfish | openbmc | mixed */
  flavor?: string;
  /** `generic`, `mixed`, a list cycled over the nodes (`idrac,ilo`), or `sim[001-004]=idrac,sim005=ilo`. */
  personality?: string;
  fromMockup?: string[] | string;
  /** A `--record` directory to serve back. */
  replay?: string;
  basePort?: number;
  listen?: string;
  http?: boolean;
  ssh?: boolean;
  updatePushOnly?: boolean;
  /** One TLS certificate per BMC instead of one shared. */
  certPerBmc?: boolean;
  /** Default `.hwctl-sim` in the current directory. */
  stateDir?: string;
  inventoryOut?: string;
  /** `50ms`, `50ms~20ms` (jitter). */
  latency?: string;
  seed?: string | number;
  /** `[NODES:]KIND[=VALUE]`, repeatable. */
  fault?: string[] | string;
  /** Duration of each power transition, e.g. `2s`. */
  transition?: string;
  /** BMC reboot downtime, e.g. `10s`. */
  bmcReboot?: string;
  /** Session idle timeout, e.g. `30m`. */
  sessionTimeout?: string;
  sessionLimit?: number;
  adminPort?: number;
  /** on | off | mixed */
  power?: string;
  logEntries?: number;
  nodePrefix?: string;
  /** -v: one line per request. */
  verbose?: boolean | number;
  /** Tests: where lines go and when to stop (instead of stdout/stderr and signals). */
  out?: (line: string) => void;
  err?: (line: string) => void;
  stopSignal?: AbortSignal;
  /** Tests: called once the fleet is up. */
  onReady?: (sim: Simulator) => void;
}

export { simCommandOptions } from './cli-options.js';

function list(v: string[] | string | undefined): string[] {
  return v === undefined ? [] : ([] as string[]).concat(v);
}

/** Splits on commas outside brackets: `sim[001-003,007]=idrac,sim009=ilo`. */
function splitTopLevel(text: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of text) {
    if (ch === '[') depth++;
    if (ch === ']') depth--;
    if (ch === ',' && depth === 0) {
      out.push(cur);
      cur = '';
    } else cur += ch;
  }
  out.push(cur);
  return out.map((s) => s.trim()).filter(Boolean);
}

function checkPersonality(p: string): Personality {
  if (!PERSONALITIES.includes(p as Personality) || p === 'mockup')
    throw new HwctlUsageError(
      `unknown personality "${p}" (known: ${PERSONALITIES.filter((x) => x !== 'mockup').join(', ')}, mixed)`,
    );
  return p as Personality;
}

export function parsePersonality(text: string): PersonalitySpec {
  const parts = splitTopLevel(text);
  if (parts.length === 0) throw new HwctlUsageError('--personality is empty');
  if (parts.some((p) => p.includes('='))) {
    const spec: Record<string, Personality> = {};
    for (const p of parts) {
      const eq = p.lastIndexOf('=');
      if (eq <= 0) throw new HwctlUsageError(`--personality: "${p}" is not NODES=PERSONALITY`);
      spec[p.slice(0, eq)] = checkPersonality(p.slice(eq + 1));
    }
    return spec;
  }
  if (parts.length === 1) return parts[0] === 'mixed' ? 'mixed' : checkPersonality(parts[0] as string);
  return parts.map(checkPersonality);
}

function duration(text: string | undefined, what: string): number | undefined {
  if (text === undefined) return undefined;
  try {
    return parseMs(text, what);
  } catch (e) {
    throw new HwctlUsageError(`--${what}: ${(e as Error).message}`);
  }
}

/** argv → SimulatorOptions; every problem is a HwctlUsageError naming the flag. */
export function simulatorOptionsFrom(o: SimCliOptions, log?: (line: string) => void): SimulatorOptions {
  const flavor = o.flavor ?? 'redfish';
  if (!['redfish', 'openbmc', 'mixed'].includes(flavor))
    throw new HwctlUsageError(`--flavor must be redfish, openbmc or mixed, not "${flavor}"`);
  const faults: FaultSpec = {};
  const nodeFaults: Record<string, FaultSpec> = {};
  try {
    if (o.latency !== undefined) Object.assign(faults, parseLatency(o.latency));
    for (const f of list(o.fault)) {
      const { nodes, spec } = parseFaultArg(f);
      if (nodes === undefined) Object.assign(faults, spec);
      else nodeFaults[nodes] = { ...nodeFaults[nodes], ...spec };
    }
  } catch (e) {
    if (e instanceof FaultSpecError) throw new HwctlUsageError(e.message);
    throw e;
  }
  const power = o.power ?? 'on';
  if (!['on', 'off', 'mixed'].includes(power))
    throw new HwctlUsageError(`--power must be on, off or mixed, not "${power}"`);
  for (const [flag, v] of [
    ['nodes', o.nodes],
    ['base-port', o.basePort],
    ['session-limit', o.sessionLimit],
    ['admin-port', o.adminPort],
    ['log-entries', o.logEntries],
  ] as const)
    if (v !== undefined && (!Number.isInteger(v) || v < 0))
      throw new HwctlUsageError(`--${flag} must be a whole number, not ${v}`);
  const mockups = list(o.fromMockup);
  if (o.replay !== undefined) {
    if (o.replay === '') throw new HwctlUsageError('--replay needs a directory recorded with --record');
    if (mockups.length > 0 || o.nodes !== undefined)
      throw new HwctlUsageError(
        '--replay serves the recorded nodes: it does not go with --from-mockup or --nodes',
      );
  }
  const transitionMs = duration(o.transition, 'transition');
  const bmcRebootMs = duration(o.bmcReboot, 'bmc-reboot');
  const sessionTimeoutMs = duration(o.sessionTimeout, 'session-timeout');
  return {
    ...(o.nodes === undefined ? {} : { nodes: o.nodes }),
    flavor: flavor as SimulatorOptions['flavor'] & string,
    ...(o.personality === undefined ? {} : { personality: parsePersonality(o.personality) }),
    ...(mockups.length > 0 ? { fromMockup: mockups } : {}),
    ...(o.replay === undefined ? {} : { replay: o.replay }),
    basePort: o.basePort ?? 0,
    listen: o.listen ?? '127.0.0.1',
    http: o.http ?? false,
    ...(o.ssh ? { ssh: true } : {}),
    ...(o.updatePushOnly ? { updatePushOnly: true } : {}),
    certPerBmc: o.certPerBmc ?? false,
    stateDir: o.stateDir ?? '.hwctl-sim',
    ...(o.inventoryOut === undefined ? {} : { inventoryOut: o.inventoryOut }),
    ...(o.seed === undefined ? {} : { seed: o.seed }),
    faults,
    nodeFaults,
    ...(transitionMs === undefined ? {} : { transitionMs }),
    ...(bmcRebootMs === undefined ? {} : { bmcRebootMs }),
    ...(sessionTimeoutMs === undefined ? {} : { sessionTimeoutMs }),
    ...(o.sessionLimit === undefined ? {} : { sessionLimit: o.sessionLimit }),
    adminPort: o.adminPort ?? 0,
    initialPower: power === 'on' ? 'On' : power === 'off' ? 'Off' : 'mixed',
    ...(o.logEntries === undefined ? {} : { logEntries: o.logEntries }),
    ...(o.nodePrefix === undefined ? {} : { nodePrefix: o.nodePrefix }),
    ...(log ? { log } : {}),
  };
}

function shortPath(p: string): string {
  const r = relative(process.cwd(), p);
  return r && !r.startsWith('..') && !isAbsolute(r) ? r : p;
}

/** What the simulator prints once it listens. The last line, `ready`, is the readiness signal. */
export function describeFleet(sim: Simulator, verbose: boolean): string[] {
  const byKind = new Map<string, number>();
  for (const n of sim.nodes) {
    const k = n.flavor === 'openbmc' ? 'OpenBMC REST' : `Redfish/${n.personality}`;
    byKind.set(k, (byKind.get(k) ?? 0) + 1);
  }
  const kinds = [...byKind].map(([k, c]) => `${c} ${k}`).join(', ');
  const ports = sim.nodes.map((n) => n.port);
  const first = sim.nodes[0];
  const consecutive = ports.every((p, i) => i === 0 || p === (ports[i - 1] ?? 0) + 1);
  const where = consecutive ? `ports ${ports[0]}-${ports[ports.length - 1]}` : 'ports chosen by the system';
  const lines = [
    `hwctl sim: ${sim.nodes.length} virtual BMCs (${kinds}) on ${first ? new URL(first.url).hostname : ''} ${where}`,
  ];
  if (verbose || sim.nodes.length <= 16)
    for (const n of sim.nodes) lines.push(`  ${n.name}  ${n.url}  ${n.flavor}/${n.personality}`);
  lines.push(`  inventory: ${shortPath(sim.inventory)}`);
  if (sim.caFile) lines.push(`  CA:        ${shortPath(sim.caFile)}`);
  lines.push(`  password:  ${shortPath(sim.passwordFile)} (user ${sim.username})`);
  if (sim.adminUrl) lines.push(`  admin API: ${sim.adminUrl}`);
  lines.push(`  try:       hwctl -i ${shortPath(sim.inventory)} rpower all state`);
  lines.push('ready');
  return lines;
}

/** Runs until SIGINT/SIGTERM (or `stopSignal`). Returns the exit code. */
export async function runSimCommand(o: SimCliOptions): Promise<number> {
  // A reader that went away (`hwctl sim | head`, a CI runner stopping) must not crash the fleet.
  if (!o.out) process.stdout.on('error', () => undefined);
  const out = o.out ?? ((l: string) => process.stdout.write(`${l}\n`));
  const err = o.err ?? ((l: string) => process.stderr.write(`${l}\n`));
  const verbose = Boolean(o.verbose);
  let sim: Simulator;
  try {
    sim = await startSimulator(simulatorOptionsFrom(o, verbose ? out : undefined));
  } catch (e) {
    if (e instanceof HwctlUsageError || e instanceof SimulatorError || e instanceof PlanError) {
      err(`hwctl sim: ${e.message}`);
      return EXIT.usage;
    }
    throw e;
  }
  for (const line of describeFleet(sim, verbose)) out(line);
  o.onReady?.(sim);
  await new Promise<void>((resolve) => {
    const done = (): void => {
      process.off('SIGINT', done);
      process.off('SIGTERM', done);
      o.stopSignal?.removeEventListener('abort', done);
      resolve();
    };
    if (o.stopSignal) {
      if (o.stopSignal.aborted) return resolve();
      o.stopSignal.addEventListener('abort', done);
    } else {
      process.once('SIGINT', done);
      process.once('SIGTERM', done);
    }
  });
  out('hwctl sim: stopping');
  await sim.stop();
  out('hwctl sim: stopped');
  return EXIT.ok;
}
