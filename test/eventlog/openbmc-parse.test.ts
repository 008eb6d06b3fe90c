/**
 * Parsing phosphor-logging objects as xCAT's Python agent does (reference xcat-openbmc.md §2.7), and the
 * IBM RAS policy table.
 */
import { afterAll, describe, it, expect } from '@jest/globals';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  loadPolicyTable,
  parseEntry,
  parseEnumerate,
  parsePolicyTable,
} from '../../src/executors/openbmc/eventlog.js';
import { formatEntry } from '../../src/managers/eventlog.js';
import { HwctlUsageError } from '../../src/core/errors.js';

const E = '/xyz/openbmc_project/logging/entry';

describe('parseEntry', () => {
  it('takes Id, Timestamp (ms), Message, Severity (last component), Resolved and _PID', () => {
    const e = parseEntry({
      Id: 7,
      Timestamp: 1521063516000,
      Message: 'xyz.openbmc_project.Common.Error.InternalFailure',
      Severity: 'xyz.openbmc_project.Logging.Entry.Level.Error',
      Resolved: false,
      AdditionalData: ['_PID=1577', 'ESEL=00 00 df 00', 'UNRELATED=1'],
    });
    expect(e).toEqual({
      style: 'openbmc',
      id: '7',
      time: 1521063516000,
      message: 'xyz.openbmc_project.Common.Error.InternalFailure',
      severity: 'Error',
      resolved: false,
      pid: '1577',
    });
  });

  it('CALLOUT_INVENTORY_PATH is the callout and tags [LED]; the value keeps any "=" it contains', () => {
    const e = parseEntry({
      Id: 2,
      Message: 'm',
      AdditionalData: [
        'CALLOUT_INVENTORY_PATH=/xyz/openbmc_project/inventory/system/chassis/motherboard/cpu0=x',
      ],
    })!;
    expect(e.callout).toBe('/xyz/openbmc_project/inventory/system/chassis/motherboard/cpu0=x');
    expect(e.led).toBe(true);
  });

  it('CALLOUT_DEVICE_PATH is "I2C"; other CALLOUT keys tag [LED] only; GPU and PROCEDURE (hex) set the callout without [LED]', () => {
    expect(
      parseEntry({ Id: 1, AdditionalData: ['CALLOUT_DEVICE_PATH=/sys/i2c-3', 'CALLOUT_ERRNO=5'] }),
    ).toMatchObject({
      callout: 'I2C',
      led: true,
    });
    const errno = parseEntry({ Id: 1, AdditionalData: ['CALLOUT_ERRNO=5'] })!;
    expect(errno.led).toBe(true);
    expect(errno.callout).toBeUndefined();
    const gpu = parseEntry({ Id: 1, AdditionalData: ['GPU_ID=3'] })!;
    expect(gpu.callout).toBe('/xyz/openbmc_project/inventory/system/chassis/motherboard/gpu');
    expect(gpu.led).toBeUndefined();
    expect(parseEntry({ Id: 1, AdditionalData: ['PROCEDURE=4660'] })!.callout).toBe('1234');
  });

  it('AdditionalData as a map (newer phosphor-logging) is read the same way', () => {
    expect(
      parseEntry({ Id: 4, AdditionalData: { _PID: '88', CALLOUT_INVENTORY_PATH: '/inv/fan0' } }),
    ).toMatchObject({
      pid: '88',
      callout: '/inv/fan0',
      led: true,
    });
  });

  it('Id 0, a missing Id or a non-number Id is not an entry; Resolved 0/1 and missing times are tolerated', () => {
    expect(parseEntry({ Id: 0, Message: 'm' })).toBeUndefined();
    expect(parseEntry({ Message: 'm' })).toBeUndefined();
    expect(parseEntry({ Id: 'abc' })).toBeUndefined();
    const e = parseEntry({ Id: '12', Resolved: 1, Timestamp: null })!;
    expect(e).toEqual({ style: 'openbmc', id: '12', resolved: true });
    expect(formatEntry(e)).toBe('(no time) [12]: (no message), Resolved: True');
  });
});

describe('parseEnumerate', () => {
  it('keeps entries only (callout associations and other objects skipped), by Id numerically', () => {
    const data = {
      [`${E}/10`]: { Id: 10, Message: 'ten' },
      [`${E}/10/callout`]: { endpoints: ['/xyz/openbmc_project/inventory/system/cpu0'] },
      [`${E}/2`]: { Id: 2, Message: 'two' },
      '/xyz/openbmc_project/logging/internal/manager': {},
      '/xyz/openbmc_project/logging/config/remote': { Address: '', Port: 0 },
      [`${E}/9`]: 'not an object',
    };
    expect(parseEnumerate(data).map((e) => e.id)).toEqual(['2', '10']);
  });

  it('something that is not an object map is "Received wrong format response"', () => {
    expect(() => parseEnumerate(['a'])).toThrow(
      expect.objectContaining({
        kind: 'protocol',
        message: expect.stringMatching(/^Received wrong format response/),
      }),
    );
  });
});

describe('policy table', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hwctl-policy-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const table = {
    events: {
      'org.open_power.Host.Error.Event||/xyz/openbmc_project/inventory/system/cpu0': {
        EventType: 'Processor',
        Severity: 'Critical',
        Message: 'A processor failed',
        AffectedSubsystem: 'Processor',
      },
      'xyz.openbmc_project.Common.Error.InternalFailure': {
        EventType: 'BMC',
        Severity: 'Warning',
        Message: 'BMC internal failure',
        AffectedSubsystem: 'BMC',
      },
    },
  };

  it('translates entries by "<Message>[||<callout>]"; unknown keys are marked not found', async () => {
    const file = join(dir, 'policy.json');
    writeFileSync(file, JSON.stringify(table));
    const policy = await loadPolicyTable(file, () => undefined);
    const withCallout = parseEntry(
      {
        Id: 3,
        Message: 'org.open_power.Host.Error.Event',
        AdditionalData: ['_PID=5', 'CALLOUT_INVENTORY_PATH=/xyz/openbmc_project/inventory/system/cpu0'],
      },
      policy,
    )!;
    expect(withCallout.policy).toEqual({
      eventType: 'Processor',
      severity: 'Critical',
      message: 'A processor failed',
      affectedSubsystem: 'Processor',
    });
    expect(formatEntry(withCallout)).toMatch(
      /\[3\]: Processor, \(Critical\) A processor failed \(AffectedSubsystem: Processor, PID: 5\) \[LED\]$/,
    );
    expect(
      parseEntry({ Id: 4, Message: 'xyz.openbmc_project.Common.Error.InternalFailure' }, policy)!.policy,
    ).toMatchObject({
      eventType: 'BMC',
    });
    expect(parseEntry({ Id: 5, Message: 'other' }, policy)!.policy).toBe('not-found');
  });

  it('a table named on the command line that cannot be read is a usage error', async () => {
    await expect(loadPolicyTable(join(dir, 'missing.json'), () => undefined)).rejects.toBeInstanceOf(
      HwctlUsageError,
    );
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, '{"events": 3}');
    await expect(loadPolicyTable(bad, () => undefined)).rejects.toThrow(/no "events" object/);
    expect(() => parsePolicyTable({}, 'x')).toThrow(HwctlUsageError);
  });

  it("without a table (xCAT's default path absent) entries are shown plainly", async () => {
    expect(await loadPolicyTable(undefined, () => undefined)).toBeUndefined();
  });
});
