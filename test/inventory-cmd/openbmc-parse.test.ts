/**
 * OpenBMC REST inventory parsing as xCAT's Python agent: which objects are listed, SOURCE and type
 * group (cores under their CPU), which URL answers which keywords, and firmware flags.
 */
import { describe, it, expect } from '@jest/globals';
import {
  firmwareImages,
  inventoryItem,
  inventoryUrl,
  toPropertyValue,
} from '../../src/executors/openbmc/inventory.js';

const INV = '/xyz/openbmc_project/inventory/system';
const BOARD = `${INV}/chassis/motherboard`;
const SW = '/xyz/openbmc_project/software';

describe('inventory objects', () => {
  it('leaves out objects without Present (xCAT lists only those)', () => {
    expect(inventoryItem(`${BOARD}/cpu0`, { Model: 'POWER9' })).toBeUndefined();
    expect(inventoryItem(`${BOARD}/cpu0`, { Present: false })).toBeDefined();
  });

  it('SOURCE is the upper-cased last segment; the group drops digits; cores become `CPU0 CORE3` in CPU', () => {
    expect(inventoryItem(`${BOARD}/dimm12`, { Present: true })).toMatchObject({
      source: 'DIMM12',
      group: 'DIMM',
      kind: 'dimm',
    });
    expect(inventoryItem(`${BOARD}/cpu0/core3`, { Present: true })).toMatchObject({
      source: 'CPU0 CORE3',
      group: 'CPU',
      kind: 'cpu',
    });
    expect(inventoryItem(INV, { Present: true })).toMatchObject({
      source: 'SYSTEM',
      group: 'SYSTEM',
      kind: 'system',
    });
    expect(inventoryItem(`${INV}/chassis/fan3`, { Present: true })).toMatchObject({
      source: 'FAN3',
      kind: 'other',
    });
    expect(inventoryItem(`${BOARD}/ethernet1`, { Present: true })).toMatchObject({ kind: 'nic' });
    expect(inventoryItem(`${BOARD}/drive0`, { Present: true })).toMatchObject({ kind: 'storage' });
    // The BMC's own interface has a MAC but is not a host NIC.
    expect(inventoryItem(`${BOARD}/bmc`, { Present: true, MACAddress: 'x' })).toMatchObject({
      kind: 'other',
    });
  });

  it('every property is kept, typed; model/serial are the system object’s, UUID anywhere', () => {
    const sys = inventoryItem(INV, { Present: true, Model: 'Everest', SerialNumber: 'S1', Cached: false })!;
    expect(sys.properties).toEqual([
      { name: 'Present', value: true },
      { name: 'Model', value: 'Everest', keyword: 'model' },
      { name: 'SerialNumber', value: 'S1', keyword: 'serial' },
      { name: 'Cached', value: false },
    ]);
    const board = inventoryItem(BOARD, { Present: true, Model: 'planar', UUID: 'u-1' })!;
    expect(board.properties).toEqual([
      { name: 'Present', value: true },
      { name: 'Model', value: 'planar' },
      { name: 'UUID', value: 'u-1', keyword: 'uuid' },
    ]);
  });

  it('structured D-Bus values become JSON text; missing ones null', () => {
    expect(toPropertyValue([['a', 'b', '/x']])).toBe('[["a","b","/x"]]');
    expect(toPropertyValue({ a: 1 })).toBe('{"a":1}');
    expect(toPropertyValue(undefined)).toBeNull();
    expect(toPropertyValue([1, 2])).toEqual([1, 2]);
  });
});

describe('one GET per request, as xCAT chooses', () => {
  it.each([
    [['model'], `${INV}`],
    [['model', 'serial'], `${INV}`],
    [['cpu'], `${BOARD}/enumerate`],
    [['cpu', 'dimm'], `${BOARD}/enumerate`],
    [['model', 'cpu'], '/xyz/openbmc_project/inventory/enumerate'],
    [['uuid'], '/xyz/openbmc_project/inventory/enumerate'],
    [['nic'], '/xyz/openbmc_project/inventory/enumerate'],
    [['firm'], undefined],
    [['bios', 'firm'], undefined],
    [['firm', 'dimm'], `${BOARD}/enumerate`],
  ] as const)('%p → %p', (keywords, url) => {
    expect(inventoryUrl(keywords)).toBe(url);
  });
});

describe('firmware images (software/enumerate)', () => {
  const img = (purpose: string, version: string, extra: Record<string, unknown> = {}) => ({
    Purpose: `xyz.openbmc_project.Software.Version.VersionPurpose.${purpose}`,
    Version: version,
    Activation: 'xyz.openbmc_project.Software.Activation.Activations.Active',
    Priority: 1,
    ...extra,
  });

  it('* for functional images, + for Priority 0 not functional; only * shown without -V; sorted by Purpose-id', () => {
    const images = firmwareImages({
      [`${SW}/functional`]: { endpoints: [`${SW}/bbb`, `${SW}/ccc`] },
      [`${SW}/ccc`]: img('Host', 'op-2.3', { ExtendedVersion: 'skiboot-6,hostboot-1', Priority: 0 }),
      [`${SW}/aaa`]: img('BMC', '2.15', { Priority: 0 }),
      [`${SW}/bbb`]: img('BMC', '2.14'),
      [`${SW}/ddd`]: img('Host', 'op-2.1', {
        Activation: 'xyz.openbmc_project.Software.Activation.Activations.Ready',
      }),
      [`${SW}/active`]: { Associations: [] }, // no Version: not an image
    });
    expect(images.map((i) => [i.source, i.id, i.version, i.status, i.running, i.pending, i.shown])).toEqual([
      ['BMC', 'aaa', '2.15', 'Active', false, true, false],
      ['BMC', 'bbb', '2.14', 'Active', true, false, true],
      ['HOST', 'ccc', 'op-2.3', 'Active', true, false, true],
      ['HOST', 'ddd', 'op-2.1', 'Ready', false, false, false],
    ]);
    expect(images[2]!.extended).toEqual(['hostboot-1', 'skiboot-6']);
    expect(images[2]!.component).toBe('host');
    expect(images[0]!.details).toEqual({ Purpose: 'BMC', Priority: 0 });
  });

  it('without a functional list, Priority 0 is the running image (*)', () => {
    const images = firmwareImages({
      [`${SW}/x`]: img('BMC', '1.0', { Priority: 0 }),
      [`${SW}/y`]: img('BMC', '0.9'),
    });
    expect(images.map((i) => [i.id, i.running, i.pending])).toEqual([
      ['x', true, false],
      ['y', false, false],
    ]);
  });

  it('an image without Purpose sorts as Unknown', () => {
    const [i] = firmwareImages({ [`${SW}/z`]: { Version: '3' } });
    expect(i).toMatchObject({ source: 'UNKNOWN', running: false, shown: false });
  });

  it('a non-object answer is a wrong format error', () => {
    expect(() => firmwareImages('nope')).toThrow(/Received wrong format response/);
  });
});
