/**
 * rinv's flavor-neutral parts: keyword parsing, value formatting (Python's str()/{:g}/title()), which
 * items and firmware images each keyword shows, xCAT's ordering and firmware flags, the json shape.
 */
import { describe, it, expect } from '@jest/globals';
import { HwctlUsageError } from '../../src/core/errors.js';
import { formatG, formatPropertyValue, pythonTitle } from '../../src/managers/inventory-format.js';
import {
  inventoryLines,
  inventoryView,
  parseInventoryArgs,
  selectInventory,
  NO_ATTRIBUTES,
  type FirmwareImage,
  type InventoryReport,
} from '../../src/managers/inventory.js';

describe('value formatting', () => {
  it.each([
    [27.5, '27.5'],
    [27500 * Math.pow(10, -3), '27.5'],
    [12, '12'],
    [0, '0'],
    [-3.25, '-3.25'],
    [1234567, '1.23457e+06'],
    [123456.7, '123457'],
    [999999.5, '1e+06'],
    [0.0001, '0.0001'],
    [0.00001234, '1.234e-05'],
    [3.3000000000000003, '3.3'],
  ])("formatG(%p) is Python's '{:g}' → %p", (x, want) => {
    expect(formatG(x)).toBe(want);
  });

  it.each([
    ['fan0 0', 'Fan0 0'],
    ['ambient', 'Ambient'],
    ['p12v rail', 'P12V Rail'],
    ['CPU0 CORE', 'Cpu0 Core'],
    ['pcie dimm temp', 'Pcie Dimm Temp'],
  ])('pythonTitle(%p) → %p', (s, want) => {
    expect(pythonTitle(s)).toBe(want);
  });

  it('prints booleans the Python way, lists comma-separated, null as N/A', () => {
    expect(formatPropertyValue(true)).toBe('True');
    expect(formatPropertyValue(false)).toBe('False');
    expect(formatPropertyValue(['a', 1, true])).toBe('a, 1, True');
    expect(formatPropertyValue(null)).toBe('N/A');
    expect(formatPropertyValue(4096)).toBe('4096');
    expect(formatPropertyValue('')).toBe('');
  });
});

describe('parseInventoryArgs', () => {
  it('no keyword and `all` mean every keyword', () => {
    const none = parseInventoryArgs([]);
    expect(none.all).toBe(true);
    expect(none.keywords).toEqual([
      'model',
      'serial',
      'uuid',
      'firm',
      'bios',
      'cpu',
      'dimm',
      'nic',
      'storage',
    ]);
    expect(parseInventoryArgs(['all', 'cpu'])).toEqual({ ...none, verbose: false });
  });

  it('keeps several keywords in order, once each, case-insensitively, with -V', () => {
    expect(parseInventoryArgs(['CPU', 'dimm', 'cpu', 'firm'], true)).toEqual({
      keywords: ['cpu', 'dimm', 'firm'],
      all: false,
      verbose: true,
    });
  });

  it("rejects an unknown keyword with xCAT's wording and the valid list", () => {
    expect(() => parseInventoryArgs(['cpu', 'gpu'])).toThrow(HwctlUsageError);
    expect(() => parseInventoryArgs(['gpu'])).toThrow(
      /^Unsupported command: rinv gpu \(valid: model, serial, uuid/,
    );
  });
});

function fw(partial: Partial<FirmwareImage> & { source: string; id: string }): FirmwareImage {
  return {
    version: '1.0',
    running: false,
    pending: false,
    shown: false,
    extended: [],
    details: {},
    ...partial,
  };
}

const REPORT: InventoryReport = {
  xcatOrder: true,
  notes: [],
  items: [
    {
      kind: 'dimm',
      source: 'DIMM10',
      group: 'DIMM',
      properties: [{ name: 'Present', value: true }],
    },
    {
      kind: 'system',
      source: 'SYSTEM',
      group: 'SYSTEM',
      properties: [
        { name: 'SerialNumber', value: 'ABC123', keyword: 'serial' },
        { name: 'Model', value: '8335-GTA', keyword: 'model' },
        { name: 'Manufacturer', value: 'IBM' },
      ],
    },
    {
      kind: 'dimm',
      source: 'DIMM2',
      group: 'DIMM',
      properties: [
        { name: 'Present', value: false },
        { name: 'MemorySizeInKB', value: 0 },
      ],
    },
    {
      kind: 'cpu',
      source: 'CPU0 CORE10',
      group: 'CPU',
      properties: [{ name: 'Functional', value: true }],
    },
    { kind: 'cpu', source: 'CPU0 CORE2', group: 'CPU', properties: [{ name: 'Functional', value: true }] },
    { kind: 'other', source: 'FAN0', group: 'FAN', properties: [{ name: 'Present', value: true }] },
  ],
  firmware: [
    fw({
      source: 'BMC',
      id: 'a1',
      version: '2.14',
      status: 'Active',
      running: true,
      shown: true,
      component: 'bmc',
    }),
    fw({ source: 'BMC', id: 'b2', version: '2.15', status: 'Active', pending: true }),
    fw({
      source: 'HOST',
      id: 'c3',
      version: 'op-v2.3',
      status: 'Active',
      running: true,
      shown: true,
      component: 'host',
      extended: ['hostboot-1', 'skiboot-6'],
    }),
    fw({ source: 'HOST', id: 'd4', version: 'op-v2.1', status: 'Ready' }),
  ],
};

describe('what each keyword shows, in xCAT order', () => {
  it('all: groups sorted by name, lines natural-sorted in a group, then the running firmware', () => {
    const r = selectInventory(REPORT, parseInventoryArgs([]));
    expect(inventoryLines(r)).toEqual([
      'CPU0 CORE2 Functional : True',
      'CPU0 CORE10 Functional : True',
      'DIMM2 MemorySizeInKB : 0',
      'DIMM2 Present : False',
      'DIMM10 Present : True',
      'FAN0 Present : True',
      'SYSTEM Manufacturer : IBM',
      'SYSTEM Model : 8335-GTA',
      'SYSTEM SerialNumber : ABC123',
      'BMC Firmware Product: 2.14 (Active)*',
      'HOST Firmware Product: op-v2.3 (Active)*',
      'HOST Firmware Product: -- additional info: hostboot-1',
      'HOST Firmware Product: -- additional info: skiboot-6',
    ]);
  });

  it('-V adds pending (+) and other images', () => {
    const r = selectInventory(REPORT, parseInventoryArgs(['firm'], true));
    expect(inventoryLines(r)).toEqual([
      'BMC Firmware Product: 2.14 (Active)*',
      'BMC Firmware Product: 2.15 (Active)+',
      'HOST Firmware Product: op-v2.3 (Active)*',
      'HOST Firmware Product: -- additional info: hostboot-1',
      'HOST Firmware Product: -- additional info: skiboot-6',
      'HOST Firmware Product: op-v2.1 (Ready)',
    ]);
  });

  it('model and serial pick the System property only; cpu/dimm the items of their kind', () => {
    expect(inventoryLines(selectInventory(REPORT, parseInventoryArgs(['serial', 'model'])))).toEqual([
      'SYSTEM Model : 8335-GTA',
      'SYSTEM SerialNumber : ABC123',
    ]);
    expect(inventoryLines(selectInventory(REPORT, parseInventoryArgs(['dimm'])))).toEqual([
      'DIMM2 MemorySizeInKB : 0',
      'DIMM2 Present : False',
      'DIMM10 Present : True',
    ]);
  });

  it('bios without a System BiosVersion shows the running host firmware', () => {
    expect(inventoryLines(selectInventory(REPORT, parseInventoryArgs(['bios'])))).toEqual([
      'HOST Firmware Product: op-v2.3 (Active)*',
      'HOST Firmware Product: -- additional info: hostboot-1',
      'HOST Firmware Product: -- additional info: skiboot-6',
    ]);
  });

  it("nothing left: xCAT's `No attributes returned from the BMC.`", () => {
    expect(inventoryLines(selectInventory(REPORT, parseInventoryArgs(['nic'])))).toEqual([NO_ATTRIBUTES]);
    const empty = selectInventory({ items: [], notes: [] }, parseInventoryArgs([]));
    expect(inventoryLines(empty)).toEqual([NO_ATTRIBUTES]);
  });

  it('Redfish order (no xcatOrder) keeps the executor order; null values are left out of text', () => {
    const r = selectInventory(
      {
        notes: [],
        items: [
          { kind: 'system', source: 'SYSTEM', properties: [{ name: 'Model', value: 'X', keyword: 'model' }] },
          {
            kind: 'cpu',
            source: 'CPU2',
            properties: [
              { name: 'Model', value: null },
              { name: 'TotalCores', value: 8 },
            ],
          },
          { kind: 'cpu', source: 'CPU10', properties: [{ name: 'TotalCores', value: 4 }] },
        ],
      },
      parseInventoryArgs([]),
    );
    expect(inventoryLines(r)).toEqual(['SYSTEM Model : X', 'CPU2 TotalCores : 8', 'CPU10 TotalCores : 4']);
  });

  it('json: typed properties by name, firmware with flags and details, notes', () => {
    const r = selectInventory({ ...REPORT, notes: ['something odd'] }, parseInventoryArgs(['dimm', 'firm']));
    const j = inventoryView.json!(r) as {
      keywords: string[];
      items: Array<{ source: string; kind: string; properties: Record<string, unknown> }>;
      firmware: Array<Record<string, unknown>>;
      notes: string[];
    };
    expect(j.keywords).toEqual(['dimm', 'firm']);
    expect(j.items.map((i) => i.source)).toEqual(['DIMM10', 'DIMM2']);
    expect(j.items[1]!.properties).toEqual({ Present: false, MemorySizeInKB: 0 });
    expect(j.firmware.map((f) => [f.id, f.running, f.pending])).toEqual([
      ['a1', true, false],
      ['c3', true, false],
    ]);
    expect(j.firmware[1]).toMatchObject({ component: 'host', additional: ['hostboot-1', 'skiboot-6'] });
    expect(j.notes).toEqual(['something odd']);
  });

  it('table: SOURCE and PROPERTY columns split from the lines', () => {
    const r = selectInventory(REPORT, parseInventoryArgs(['model', 'firm']));
    const [source, property] = inventoryView.columns!;
    expect(source!.value(r).split('\n')).toEqual(['SYSTEM', 'BMC', 'HOST', 'HOST', 'HOST']);
    expect(property!.value(r).split('\n')[0]).toBe('Model : 8335-GTA');
    expect(property!.value(r).split('\n')[1]).toBe('Firmware Product: 2.14 (Active)*');
  });
});
