/**
 * known_bmcs with several writers: each write re-reads the file under its lock and applies only this
 * run's changes. Two `KnownBmcs` on one file stand for two processes (each loaded the file before the
 * other wrote). The lock itself: exclusive, stale locks broken, a live holder waited for.
 */
import { describe, expect, it } from '@jest/globals';
import { existsSync, readFileSync, unlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { FileLockError, withFileLock } from '../../src/bmc/file-lock.js';
import { KnownBmcs, parseKnownBmcs } from '../../src/bmc/known-bmcs.js';
import { tempDir } from './helpers.js';

const FP1 = 'AA:BB:CC';
const FP2 = 'DD:EE:FF';
const FP3 = '11:22:33';

const entries = (file: string) => Object.fromEntries(parseKnownBmcs(readFileSync(file, 'utf8')));

describe('known_bmcs: merge on write', () => {
  it('an entry updated by one run and another added by the other both survive', async () => {
    const file = join(tempDir(), 'known_bmcs');
    writeFileSync(file, `a:443 ${FP1} n1\nb:443 ${FP1} n2\n`);
    const one = new KnownBmcs(file);
    const two = new KnownBmcs(file);
    // Both have loaded the file before either writes.
    expect(one.get('a:443')).toBe(FP1);
    expect(two.get('a:443')).toBe(FP1);
    expect(await one.set('a:443', FP2, 'n1')).toEqual({ status: 'updated', previous: FP1 });
    expect(await two.set('c:443', FP3, 'n3')).toEqual({ status: 'added' });
    // A rewrite by the first run after the second one's append keeps it.
    expect(await one.set('b:443', FP3, 'n2')).toEqual({ status: 'updated', previous: FP1 });
    expect(entries(file)).toEqual({
      'a:443': { fingerprint: FP2, names: ['n1'] },
      'b:443': { fingerprint: FP3, names: ['n2'] },
      'c:443': { fingerprint: FP3, names: ['n3'] },
    });
    // A store reads what the other had written by its own last write.
    expect(two.get('a:443')).toBe(FP2);
  });

  it("a status is against the file at write time: another run's update is what `set` compares with", async () => {
    const file = join(tempDir(), 'known_bmcs');
    const one = new KnownBmcs(file);
    const two = new KnownBmcs(file);
    expect(one.get('h:443')).toBeUndefined();
    expect(await two.set('h:443', FP1, 'n')).toEqual({ status: 'added' });
    expect(await one.set('h:443', FP2, 'n')).toEqual({ status: 'updated', previous: FP1 });
  });

  it('first use by two runs: the first pin stays, the second run is told which one is in force', async () => {
    const file = join(tempDir(), 'known_bmcs');
    const one = new KnownBmcs(file);
    const two = new KnownBmcs(file);
    expect(one.get('h:443')).toBeUndefined();
    expect(two.get('h:443')).toBeUndefined();
    expect(await one.pinFirstUse('h:443', FP1, 'n1')).toEqual({ pinned: FP1, added: true });
    expect(await two.pinFirstUse('h:443', FP2, 'n1')).toEqual({ pinned: FP1, added: false });
    expect(entries(file)).toEqual({ 'h:443': { fingerprint: FP1, names: ['n1'] } });
  });

  it("first uses are appended after `trust`'s rewrite, not lost to it", async () => {
    const file = join(tempDir(), 'known_bmcs');
    const tofu = new KnownBmcs(file);
    const trust = new KnownBmcs(file);
    expect(trust.get('x:443')).toBeUndefined();
    await tofu.pinFirstUse('t1:443', FP1, 't1');
    await trust.set('x:443', FP2, 'x');
    await trust.set('x:443', FP3, 'x'); // a rewrite
    await tofu.pinFirstUse('t2:443', FP1, 't2');
    expect(Object.keys(entries(file)).sort()).toEqual(['t1:443', 't2:443', 'x:443']);
    expect(readFileSync(file, 'utf8').match(/^# hwctl known BMC certificates/gm)).toHaveLength(1);
  });

  it('many changes at once in one process: all kept, in few writes, each with its own status', async () => {
    const file = join(tempDir(), 'known_bmcs');
    writeFileSync(file, `h0:443 ${FP1} n0\n`);
    const s = new KnownBmcs(file);
    const results = await Promise.all(
      Array.from({ length: 100 }, (_, i) => s.set(`h${i}:443`, i === 0 ? FP2 : FP1, `n${i}`)),
    );
    expect(results[0]).toEqual({ status: 'updated', previous: FP1 });
    expect(results.slice(1).every((r) => r.status === 'added')).toBe(true);
    expect(Object.keys(entries(file))).toHaveLength(100);
  });

  it('a line without its newline (edited by hand) is not glued to the next one', async () => {
    const file = join(tempDir(), 'known_bmcs');
    writeFileSync(file, `a:443 ${FP1} n1`);
    await new KnownBmcs(file).pinFirstUse('b:443', FP2, 'n2');
    expect(Object.keys(entries(file))).toEqual(['a:443', 'b:443']);
  });

  it('no lock or temporary file is left behind', async () => {
    const dir = tempDir();
    const file = join(dir, 'known_bmcs');
    await new KnownBmcs(file).set('a:443', FP1, 'n1');
    await new KnownBmcs(file).set('a:443', FP2, 'n1');
    expect(existsSync(`${file}.lock`)).toBe(false);
    expect(existsSync(`${file}.${process.pid}.tmp`)).toBe(false);
  });
});

describe('file lock', () => {
  it('is exclusive: a taker waits while a live process holds the lock, then runs', async () => {
    const file = join(tempDir(), 'f');
    // Held by a live process of this host (this one, standing for another hwctl).
    writeFileSync(`${file}.lock`, `${process.pid} ${hostname()}\n`);
    let ran = false;
    const waiter = withFileLock(file, () => (ran = true));
    await new Promise((r) => setTimeout(r, 100));
    expect(ran).toBe(false);
    unlinkSync(`${file}.lock`);
    await waiter;
    expect(ran).toBe(true);
    expect(existsSync(`${file}.lock`)).toBe(false);
  });

  it('breaks a lock whose holder on this host is dead', async () => {
    const file = join(tempDir(), 'f');
    // A pid that cannot be running (above Linux's pid_max).
    writeFileSync(`${file}.lock`, `${2 ** 22 + 1} ${hostname()}\n`);
    expect(await withFileLock(file, () => 'ran', { timeoutMs: 2000 })).toBe('ran');
    expect(existsSync(`${file}.lock`)).toBe(false);
  });

  it("breaks another host's lock only once it is older than staleMs, and says who holds it meanwhile", async () => {
    const file = join(tempDir(), 'f');
    writeFileSync(`${file}.lock`, `1234 other-host.example\n`);
    await expect(withFileLock(file, () => 'ran', { timeoutMs: 100 })).rejects.toThrow(
      new FileLockError(
        `${file}.lock is held by process 1234 on other-host.example; remove it if no hwctl is running`,
      ),
    );
    const old = new Date(Date.now() - 60_000);
    utimesSync(`${file}.lock`, old, old);
    expect(await withFileLock(file, () => 'ran', { timeoutMs: 2000 })).toBe('ran');
  });
});
