/**
 * Service nodes end to end: a real sshd on loopback, two service nodes (Host aliases of it) each with
 * its own simulator fleet, this checkout's bin/hwctl on both ends. A run through service nodes prints
 * exactly what a local run of the same nodes prints, in every output form; failures of a service node
 * fail its nodes only, with a clear error.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { hwctl, startTwoServiceNodes, type TwoServiceNodes } from './harness.js';

let t: TwoServiceNodes;
beforeAll(async () => {
  t = await startTwoServiceNodes();
  // Some off, so that collation has groups.
  t.simA.admin.power('a002', 'ForceOff');
  t.simB.admin.power('b001,b003', 'ForceOff');
}, 60_000);
afterAll(async () => {
  // The ControlMaster connections this file opened (ssh -O exit), then the servers.
  const control = t.control;
  for (const sn of ['sn01', 'sn02']) {
    try {
      execFileSync(
        'ssh',
        ['-F', t.sshd.config, '-o', `ControlPath=${join(control, 'cm-%C')}`, '-O', 'exit', sn],
        {
          stdio: 'ignore',
        },
      );
    } catch {
      // no master for it
    }
  }
  await t?.stop();
});

/** A json document without what differs between two runs of the same thing (times, the service node). */
function comparable(json: string): unknown {
  const doc = JSON.parse(json) as {
    results: Array<Record<string, unknown>>;
    summary: Record<string, unknown>;
  };
  for (const r of doc.results) {
    delete r.elapsedMs;
    delete r.servicenode;
  }
  delete doc.summary.elapsedMs;
  return doc;
}

describe('merged output is what a local run prints', () => {
  const forms: Array<[string, string[]]> = [
    ['text', ['rpower', 'all', 'stat']],
    ['collated text', ['rpower', 'all', 'stat', '-c']],
    ['table', ['rpower', 'all', 'stat', '-o', 'table']],
    ['rinv text', ['rinv', 'all', 'all']],
    ['rsetboot', ['rsetboot', 'all', 'stat']],
  ];
  test.each(forms)('%s', async (_name, args) => {
    const [flat, hier] = await Promise.all([
      hwctl([...args, '-i', t.flat, '-q']),
      hwctl([...args, '-i', t.hier, '-q']),
    ]);
    expect(flat.code).toBe(0);
    expect(hier.stderr).toBe('');
    expect(hier.code).toBe(0);
    expect(hier.stdout).toBe(flat.stdout);
    expect(hier.stdout).toContain('local1');
  });

  test('json: the same document, each remote result marked with its service node', async () => {
    const args = ['rpower', 'all', 'stat', '-o', 'json'];
    const [flat, hier] = await Promise.all([hwctl([...args, '-i', t.flat]), hwctl([...args, '-i', t.hier])]);
    expect(hier.code).toBe(0);
    expect(comparable(hier.stdout)).toEqual(comparable(flat.stdout));
    const marks = Object.fromEntries(
      (JSON.parse(hier.stdout) as { results: Array<{ node: string; servicenode?: string }> }).results.map(
        (r) => [r.node, r.servicenode ?? 'here'],
      ),
    );
    expect(marks).toEqual({
      a001: 'sn01',
      a002: 'sn01',
      a003: 'sn01',
      b001: 'sn02',
      b002: 'sn02',
      b003: 'sn02',
      local1: 'here',
    });
    expect(hier.stderr).toMatch(/^7 nodes: 7 ok, 0 failed/m);
  });

  test('ndjson: one result line per node, then the summary', async () => {
    const run = await hwctl(['rpower', 'all', 'stat', '-o', 'ndjson', '-i', t.hier, '-q']);
    const lines = run.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.filter((l) => l.type === 'result').map((l) => l.node).sort()).toEqual([
      'a001', 'a002', 'a003', 'b001', 'b002', 'b003', 'local1',
    ]); // prettier-ignore
    expect(lines.at(-1)!.type).toBe('summary');
    expect(lines.some((l) => 'raw' in l)).toBe(false); // the protocol's extra stays between the hwctls
  });

  test('the ssh connection is kept for the next run (ControlMaster)', async () => {
    await hwctl(['rpower', 'a001,b001', 'stat', '-i', t.hier]);
    // Both aliases are 127.0.0.1 with the same port and user: one master (%C is a hash of those) serves both.
    for (const sn of ['sn01', 'sn02']) {
      const check = ['-F', t.sshd.config, '-o', `ControlPath=${join(t.control, 'cm-%C')}`, '-O', 'check', sn];
      expect(() => execFileSync('ssh', check, { stdio: 'pipe' })).not.toThrow();
    }
  });
});

describe('a service node that fails fails its nodes only', () => {
  test("unreachable: its nodes fail `unreachable` with ssh's reason; the others succeed; exit 1", async () => {
    const inv = t.inventory('down.yaml', {
      sn02: 'sndown',
      extraServicenodes: `  sndown: {config: ${JSON.stringify(t.sshd.config)}, ssh: [-o, ControlMaster=no]}`,
    });
    const run = await hwctl(['rpower', 'all', 'stat', '-i', inv, '-o', 'json']);
    expect(run.code).toBe(1);
    const doc = JSON.parse(run.stdout) as {
      results: Array<{
        node: string;
        ok: boolean;
        servicenode?: string;
        error?: { kind: string; message: string };
      }>;
    };
    for (const r of doc.results) {
      if (r.node.startsWith('b')) {
        expect(r).toMatchObject({ ok: false, servicenode: 'sndown', error: { kind: 'unreachable' } });
        expect(r.error!.message).toMatch(
          /^service node sndown is unreachable over ssh: .*Connection refused/,
        );
      } else expect(r.ok).toBe(true);
    }
    expect(run.stderr).toMatch(/7 nodes: 4 ok, 3 failed: b\[001-003\]/);
  });

  test('another hwctl version: refused at the handshake, nothing sent (no password, no command)', async () => {
    const fake = join(t.dir, 'old-hwctl');
    const got = join(t.dir, 'old-hwctl.stdin');
    // Says hello as hwctl 0.0.1 would, and keeps whatever it is sent.
    writeFileSync(
      fake,
      `#!/bin/sh\nprintf '%s\\n' "$@" > ${got}.argv\necho '{"type":"hello","protocol":1,"version":"0.0.1","node":"v20"}'\ncat > ${got}\nexit 2\n`,
    );
    chmodSync(fake, 0o755);
    const inv = t.inventory('old.yaml', {
      sn02: 'snold',
      extraServicenodes: `  snold: {host: sn02, config: ${JSON.stringify(t.sshd.config)}, hwctl: ${JSON.stringify(fake)}, ssh: [-o, ControlMaster=no]}`,
    });
    const run = await hwctl(['rpower', 'rackB', 'stat', '-i', inv]);
    expect(run.code).toBe(1);
    for (const n of ['b001', 'b002', 'b003']) {
      expect(run.stderr).toContain(
        `${n}: Error: service node snold runs hwctl 0.0.1 (protocol 1), this host 0.1.0 (protocol 1): install the same version on both`,
      );
    }
    expect(existsSync(got)).toBe(true);
    expect(readFileSync(got, 'utf8')).toBe('');
    // Its command line: the command, its nodes and the protocol flags; never a password.
    const argv = readFileSync(`${got}.argv`, 'utf8').trim().split('\n');
    expect(argv.slice(0, 3)).toEqual(['rpower', 'b[001-003]', 'stat']);
    expect(argv).toContain('--sn-stdin');
    expect(argv.join(' ')).not.toContain(readFileSync(t.simB.passwordFile, 'utf8').trim());
  });

  test('a service node without hwctl: its nodes say which command could not run', async () => {
    const inv = t.inventory('nohwctl.yaml', {
      sn01: 'snbare',
      extraServicenodes: `  snbare: {host: sn01, config: ${JSON.stringify(t.sshd.config)}, hwctl: /nonexistent/hwctl, ssh: [-o, ControlMaster=no]}`,
    });
    const run = await hwctl(['rpower', 'rackA', 'stat', '-i', inv, '-o', 'json']);
    expect(run.code).toBe(1);
    const doc = JSON.parse(run.stdout) as { results: Array<{ error?: { kind: string; message: string } }> };
    expect(doc.results[0]!.error!.kind).toBe('unsupported');
    expect(doc.results[0]!.error!.message).toMatch(/cannot run '\/nonexistent\/hwctl' there \(exit 127/);
  });
});
