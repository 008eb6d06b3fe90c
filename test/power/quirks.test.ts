/**
 * The vendor-quirk table (src/executors/redfish/quirks.ts): every quirk documented with evidence, vendors
 * identified from the service root or the Manager's Model, and the ResetType quirks' probes.
 */
import { describe, it, expect } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { QUIRKS, splitGlued, vendorOfManager, vendorOfRoot } from '../../src/executors/redfish/quirks.js';
import { ROOT } from '../helpers/cli.js';
import { BMCWEB, fixture } from '../helpers/sim-harness.js';

describe('the table', () => {
  it('every quirk has evidence, a detection, and a row in docs/vendors.md', () => {
    const doc = readFileSync(join(ROOT, 'docs', 'vendors.md'), 'utf8');
    for (const [id, q] of Object.entries(QUIRKS)) {
      expect([id, q.id]).toEqual([id, id]);
      expect([id, q.evidence.length > 0]).toEqual([id, true]);
      expect([id, Boolean(q.vendors?.length || q.probe)]).toEqual([id, true]);
      expect([id, doc.includes(`\`${id}\``)]).toEqual([id, true]);
    }
  });

  it('vendors from the service root (Vendor, Oem) and, for stock bmcweb, the Manager Model', () => {
    expect(vendorOfRoot({ Vendor: 'Dell' })?.id).toBe('dell');
    expect(vendorOfRoot({ Oem: { Hpe: {} } })).toEqual({ id: 'hpe', by: 'ServiceRoot Oem.Hpe' });
    expect(vendorOfRoot({ Vendor: 'Lenovo' })?.id).toBe('lenovo');
    expect(vendorOfRoot(fixture(BMCWEB))).toBeUndefined();
    expect(vendorOfManager(fixture(BMCWEB, 'Managers/bmc'))).toEqual({
      id: 'openbmc',
      by: 'Manager Model "OpenBmc"',
    });
    expect(vendorOfRoot({ Vendor: 'Contoso' })).toBeUndefined();
  });
});

describe('ResetType quirks', () => {
  it('reset-type-off: Cray EX "Off" without ForceOff', () => {
    const t = QUIRKS['reset-type-off'].probe!.test;
    expect(t({ allowed: ['On', 'Off'] })).toBe(true);
    expect(t({ allowed: ['On', 'ForceOff', 'Off'] })).toBe(false);
  });

  it('reset-type-glued: Supermicro "GracefulShutdownGracefulRestart" is both values', () => {
    expect(splitGlued('GracefulShutdownGracefulRestart')).toEqual(['GracefulShutdown', 'GracefulRestart']);
    expect(splitGlued('GracefulShutdown')).toBeUndefined();
    expect(
      QUIRKS['reset-type-glued'].probe!.test({ allowed: ['On', 'GracefulShutdownGracefulRestart'] }),
    ).toBe(true);
    expect(QUIRKS['reset-type-glued'].probe!.test({ allowed: ['On', 'ForceOff'] })).toBe(false);
  });
});
