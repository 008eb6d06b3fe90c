/**
 * Two service nodes on loopback for the end-to-end tests: one sshd (test/hierarchy/sshd.ts) with a Host
 * alias per service node, two simulator fleets (one behind each service node), a node run here, and
 * two inventories of the same nodes: with service nodes, and without (the local run to compare with).
 * The service nodes run this checkout's bin/hwctl, each with its own state directory.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { startSimulator, type Simulator, type SimulatorOptions } from '../../src/sim/fleet.js';
import { controlDir } from '../../src/hierarchy/ssh.js';
import { startSshd, type Sshd } from './sshd.js';

export const HWCTL = resolve('bin/hwctl');

export interface TwoServiceNodes {
  sshd: Sshd;
  simA: Simulator;
  simB: Simulator;
  dir: string;
  /** With servicenode: sn01 (simA's nodes a*), sn02 (simB's b*); `local1` runs here. */
  hier: string;
  /** The same nodes, every one run here. */
  flat: string;
  /**
   * The ControlMaster sockets' directory, this harness's own (set with the inventory's `ssh:`, which
   * wins over hwctl's default): two test files running at once keep their connections apart.
   */
  control: string;
  /** Write an inventory of the same nodes with extra `servicenodes:` entries and per-group overrides. */
  inventory(name: string, o: { sn01?: string; sn02?: string; extraServicenodes?: string }): string;
  stop(): Promise<void>;
}

function nodeLines(sim: Simulator, group: string): string[] {
  return sim.nodes.map((n) => `  ${n.name}: {bmc: ${JSON.stringify(n.url)}, groups: [${group}]}`);
}

export async function startTwoServiceNodes(sim: SimulatorOptions = {}): Promise<TwoServiceNodes> {
  const dir = mkdtempSync(join(tmpdir(), 'hier-'));
  const sshd = await startSshd(['sn01', 'sn02', 'sndown']);
  // sndown: a Host alias whose port nothing listens on (port 1 on loopback: refused at once).
  writeFileSync(
    sshd.config,
    readFileSync(sshd.config, 'utf8').replace(/(Host sndown\n[\s\S]*?Port )\d+/, '$11'),
  );
  const base: SimulatorOptions = {
    nodes: 3,
    adminPort: false,
    transitionMs: 50,
    initialPower: 'mixed',
    ...sim,
  };
  const simA = await startSimulator({ ...base, nodePrefix: 'a', stateDir: join(dir, 'simA'), seed: 'a' });
  const simB = await startSimulator({ ...base, nodePrefix: 'b', stateDir: join(dir, 'simB'), seed: 'b' });
  const control = sshd.dir;
  const sshArgs = `ssh: [-o, ${JSON.stringify(`ControlPath=${join(control, 'cm-%C')}`)}]`;
  const remote = (sn: string) => {
    mkdirSync(join(dir, sn), { recursive: true });
    return `XDG_STATE_HOME=${join(dir, sn)} ${HWCTL}`;
  };
  const write = (
    name: string,
    withSn: boolean,
    o: { sn01?: string; sn02?: string; extraServicenodes?: string },
  ) => {
    const file = join(dir, name);
    const group = (g: string, s: Simulator, sn?: string) =>
      `  ${g}: {tls: {mode: verify, ca: ${JSON.stringify(s.caFile)}}, password: {file: ${JSON.stringify(s.passwordFile)}}${withSn && sn ? `, servicenode: ${sn}` : ''}}`;
    writeFileSync(
      file,
      [
        'defaults: {username: root, mgt: redfish}',
        'groups:',
        group('rackA', simA, o.sn01 ?? 'sn01'),
        group('rackB', simB, o.sn02 ?? 'sn02'),
        group('here', simA),
        'servicenodes:',
        `  sn01: {host: sn01, config: ${JSON.stringify(sshd.config)}, hwctl: ${JSON.stringify(remote('sn01'))}, ${sshArgs}}`,
        `  sn02: {host: sn02, config: ${JSON.stringify(sshd.config)}, hwctl: ${JSON.stringify(remote('sn02'))}, ${sshArgs}}`,
        ...(o.extraServicenodes ? [o.extraServicenodes] : []),
        'nodes:',
        ...nodeLines(simA, 'rackA'),
        ...nodeLines(simB, 'rackB'),
        // The same BMC as a001, run here.
        `  local1: {bmc: ${JSON.stringify(simA.nodes[0]!.url)}, groups: [here]}`,
      ].join('\n') + '\n',
    );
    return file;
  };
  return {
    sshd,
    control,
    simA,
    simB,
    dir,
    hier: write('hier.yaml', true, {}),
    flat: write('flat.yaml', false, {}),
    inventory: (name, o) => write(name, true, o),
    stop: async () => {
      await Promise.all([simA.stop(), simB.stop()]);
      await sshd.stop();
      // hwctl's default socket directory, made even when the inventory names another (empty; shared by
      // the test files, each removes it when done).
      rmSync(controlDir(), { recursive: true, force: true });
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Run bin/hwctl; `onStart` gets the child (to interrupt it). */
export function hwctl(
  args: readonly string[],
  onStart?: (child: ReturnType<typeof spawn>) => void,
): Promise<Run> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(HWCTL, args, {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, NO_COLOR: '1' },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code, signal) => resolvePromise({ code, signal, stdout, stderr }));
    onStart?.(child);
  });
}
