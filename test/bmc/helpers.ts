/** Test helpers for the BMC layer: nodes, services that record output, a NodeContext without the engine. */
import { afterAll } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readFile } from 'node:fs/promises';
import type { NodeDef } from '../../src/core/types.js';
import { loadInventory } from '../../src/inventory/index.js';
import { startSimulator, type Simulator } from '../../src/sim/fleet.js';
import type { NodeContext, RunServices } from '../../src/engine/executor.js';

export const PASSWORD = 'S3cret-Pa55';

export function testNode(overrides: Partial<NodeDef> = {}): NodeDef {
  return {
    name: 'node01',
    bmc: 'https://bmc01.test',
    mgt: 'redfish',
    groups: [],
    username: 'root',
    tls: { mode: 'verify' },
    attrs: {},
    ...overrides,
  };
}

export interface RecordingServices extends RunServices {
  warnings: string[];
  debugLines: string[];
}

export function recordingServices(options: Record<string, unknown> = {}): RecordingServices {
  const warnings: string[] = [];
  const debugLines: string[] = [];
  return {
    warnings,
    debugLines,
    warn: (m) => warnings.push(m),
    debug: (node, line) => debugLines.push(`${node}: ${line}`),
    // Request counts are of a first run: no discovery cache unless a test asks for one.
    options: { retryBaseMs: 1, cache: false, ...options },
  };
}

export interface TestContext extends NodeContext {
  /** Run the deferred cleanups, most recent first (what the engine does after the op). */
  cleanup(): Promise<void>;
  controller: AbortController;
}

export function testContext(
  node: NodeDef,
  services: RunServices,
  password: string | undefined = PASSWORD,
): TestContext {
  const cleanups: Array<() => unknown> = [];
  const shared = new Map<string, unknown>();
  const controller = new AbortController();
  return {
    node,
    flavor: String(node.mgt),
    signal: controller.signal,
    password,
    services,
    controller,
    defer: (fn) => {
      cleanups.push(fn);
    },
    forget: (key: string) => void shared.delete(key),
    shared: <T>(key: string, create: () => T): T => {
      if (!shared.has(key)) shared.set(key, create());
      return shared.get(key) as T;
    },
    cleanup: async () => {
      while (cleanups.length) await cleanups.pop()!();
    },
  };
}

const tempDirs: string[] = [];
// Registered when a test file imports this module, so every tempDir() of that file goes with its tests.
afterAll(() => {
  for (const dir of tempDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A new temporary directory, removed after the calling test file's tests. */
export function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'hwctl-bmc-'));
  tempDirs.push(dir);
  return dir;
}

/** The message of what a promise rejects with (fails the test when it resolves). */
export async function rejection(
  p: Promise<unknown>,
): Promise<{ kind?: string; message: string; status?: number }> {
  try {
    await p;
  } catch (e) {
    const err = e as { kind?: string; message: string; status?: number };
    return { kind: err.kind, message: err.message, status: err.status };
  }
  throw new Error('expected a rejection');
}

/** A socket-level error as Node raises it (nock needs an Error instance to pass the code through). */
export function netError(code: string, message = code): Error {
  return Object.assign(new Error(message), { code });
}

/** A fleet of 10 mixed BMCs (Redfish personalities and OpenBMC REST), its nodes and their passwords. */
export async function startMixedFleet(opts: { transitionMs: number; seed: number }): Promise<{
  sim: Simulator;
  nodes: NodeDef[];
  passwords: Map<string, string>;
}> {
  const sim = await startSimulator({
    nodes: 10,
    flavor: 'mixed',
    personality: 'mixed',
    adminPort: false,
    ...opts,
  });
  const nodes = [...(await loadInventory(sim.inventory)).nodes.values()];
  const password = (await readFile(sim.passwordFile, 'utf8')).trim();
  return { sim, nodes, passwords: new Map(nodes.map((n) => [n.name, password])) };
}
