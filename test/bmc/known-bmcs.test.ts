import { describe, it, expect } from '@jest/globals';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { KnownBmcs, normalizeFingerprint } from '../../src/bmc/known-bmcs.js';
import { defaultKnownBmcsPath } from '../../src/bmc/options.js';
import { tempDir } from './helpers.js';

const FP1 = 'AA:BB:CC';
const FP2 = 'DD:EE:FF';

describe('known_bmcs', () => {
  it('defaults to $XDG_STATE_HOME/hwctl/known_bmcs, else ~/.local/state', () => {
    expect(defaultKnownBmcsPath({ XDG_STATE_HOME: '/xdg' })).toBe('/xdg/hwctl/known_bmcs');
    expect(defaultKnownBmcsPath({})).toMatch(/\/\.local\/state\/hwctl\/known_bmcs$/);
  });

  it('adds on first use (append, 0600, created directories) and reads back in a new process', async () => {
    const file = join(tempDir(), 'sub', 'known_bmcs');
    const a = new KnownBmcs(file);
    expect(a.get('10.0.0.5:443')).toBeUndefined();
    expect(await a.pinFirstUse('10.0.0.5:443', FP1, 'node01')).toEqual({ pinned: FP1, added: true });
    await a.pinFirstUse('BMC02:443', FP2, 'node02');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const text = readFileSync(file, 'utf8');
    expect(text).toMatch(/^# hwctl known BMC certificates/);
    expect(text).toContain('10.0.0.5:443 AA:BB:CC node01\n');
    const b = new KnownBmcs(file);
    expect(b.get('10.0.0.5:443')).toBe(FP1);
    expect(b.get('bmc02:443')).toBe(FP2);
  });

  it('set() reports added / unchanged / updated with the previous fingerprint', async () => {
    const file = join(tempDir(), 'known_bmcs');
    const s = new KnownBmcs(file);
    expect(await s.set('h:443', FP1, 'n1')).toEqual({ status: 'added' });
    expect(await s.set('h:443', FP1, 'n1')).toEqual({ status: 'unchanged' });
    expect(await s.set('h:443', FP2, 'n1')).toEqual({ status: 'updated', previous: FP1 });
    expect(new KnownBmcs(file).get('h:443')).toBe(FP2);
    expect(readFileSync(file, 'utf8').match(/^h:443 /gm)).toHaveLength(1);
  });

  it('tolerates comments, blank lines and lowercase fingerprints; the last line for a BMC wins', () => {
    const file = join(tempDir(), 'known_bmcs');
    writeFileSync(file, '# c\n\nh:443 aa:bb:cc\nh:443 sha256:ddeeff n\n');
    expect(new KnownBmcs(file).get('h:443')).toBe(FP2);
  });

  it('normalizes fingerprints to upper-case colon hex', () => {
    expect(normalizeFingerprint('sha256:ab:cd')).toBe('AB:CD');
    expect(normalizeFingerprint('SHA256=abcd')).toBe('AB:CD');
  });
});
