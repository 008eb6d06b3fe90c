import { describe, it, expect, afterAll } from '@jest/globals';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CAPTURES, FIXTURES, crawl, makeBmc, messageId, type Body, type TestBmc } from './helpers.js';

/** The captured document of a path, read from the files (what the frontend must serve). */
function captured(capture: string, path: string): Body {
  const rel = path.replace(/^\/redfish\/v1\/?/, '').replace(/\/+$/, '');
  return JSON.parse(readFileSync(`${FIXTURES}/${capture}/${rel ? `${rel}/` : ''}index.json`, 'utf8')) as Body;
}

function mockup(capture: string, extra: Parameters<typeof makeBmc>[1] = {}): TestBmc {
  return makeBmc('mockup', { mockupDir: `${FIXTURES}/${capture}`, ...extra });
}

function systemsOf(capture: string): string[] {
  return (captured(capture, '/redfish/v1/Systems').Members as Body[]).map((m) => m['@odata.id'] as string);
}

describe('mockup: served as captured', () => {
  for (const capture of CAPTURES) {
    it(`${capture}: root, collections and systems are the capture's own values`, () => {
      const b = mockup(capture);
      expect(b.get('/redfish/v1', { auth: 'none' }).body).toEqual(captured(capture, '/redfish/v1'));
      expect(b.doc('/redfish/v1/Managers')).toEqual(captured(capture, '/redfish/v1/Managers'));
      for (const path of systemsOf(capture)) {
        const file = captured(capture, path);
        const served = b.doc(path);
        for (const k of [
          'Id',
          'SerialNumber',
          'Manufacturer',
          'Model',
          'UUID',
          'BiosVersion',
          'ProcessorSummary',
          'MemorySummary',
          'PowerState',
          'Boot',
        ])
          expect([path, k, served[k]]).toEqual([path, k, file[k]]);
      }
    });
  }

  it('a crawl of every capture finds only captured documents or 404s (dangling links)', () => {
    for (const capture of CAPTURES) {
      const b = mockup(capture);
      const docs = crawl(b, '/redfish/v1', 400);
      for (const [path] of docs) {
        // Live state the shell serves on every personality, whatever the capture holds there.
        if (path.startsWith('/redfish/v1/SessionService') || path.startsWith('/redfish/v1/AccountService'))
          continue;
        const rel = path.replace(/^\/redfish\/v1\/?/, '');
        expect([
          capture,
          path,
          existsSync(`${FIXTURES}/${capture}/${rel ? `${rel}/` : ''}index.json`),
        ]).toEqual([capture, path, true]);
      }
      expect(docs.size).toBeGreaterThan(15);
    }
  });

  it('the DMTF static nextLink that points back at itself is served as captured', () => {
    const rack = mockup('dmtf-public-rackmount1');
    const entries = '/redfish/v1/Systems/437XR1138R2/LogServices/Log1/Entries';
    const page = rack.doc(entries);
    const file = captured('dmtf-public-rackmount1', entries);
    expect(page['@odata.nextLink']).toBe(file['@odata.nextLink']);
    expect(rack.doc(page['@odata.nextLink'] as string)).toEqual(page); // points back at itself
  });

  it('$metadata is served as captured XML; $expand follows what the root advertises', () => {
    const rack = mockup('dmtf-public-rackmount1');
    const md = rack.get('/redfish/v1/$metadata', { auth: 'none' });
    expect(md.headers?.['Content-Type']).toMatch(/^application\/xml/);
    expect(md.body).toBe(readFileSync(`${FIXTURES}/dmtf-public-rackmount1/$metadata/index.xml`, 'utf8'));
    const expanded = rack.doc('/redfish/v1/Systems?$expand=.');
    expect((expanded.Members as Body[])[0]?.SerialNumber).toBe('437XR1138R2');
    const bmcweb = mockup('openbmc-bmcweb');
    expect(bmcweb.get('/redfish/v1/Systems?$expand=.').status).toBe(501);
  });
});

describe('mockup: state on top', () => {
  it('seeds the machine from the capture (power, boot, LED)', () => {
    const rack = mockup('dmtf-public-rackmount1');
    expect(rack.machine.powerState()).toBe('On');
    expect(rack.machine.bootOverride()).toMatchObject({ target: 'Pxe', enabled: 'Once', mode: 'UEFI' });
    const bmcweb = mockup('openbmc-bmcweb');
    expect(bmcweb.machine.powerState()).toBe('Off');
    expect(bmcweb.doc('/redfish/v1/Chassis/chassis').PowerState).toBe('Off');
  });

  it("power actions work with transitions and the capture's allowable values", () => {
    const b = mockup('dmtf-public-rackmount1');
    const sys = '/redfish/v1/Systems/437XR1138R2';
    const target = `${sys}/Actions/ComputerSystem.Reset`;
    expect(b.call('POST', target, { body: { ResetType: 'ForceOff' } }).status).toBe(204);
    expect(b.doc(sys).PowerState).toBe('PoweringOff');
    b.clock.advance(1000);
    expect(b.doc(sys).PowerState).toBe('Off');
    expect(b.doc('/redfish/v1/Chassis/1U').PowerState).toBe('Off');
    const cycle = b.call('POST', target, { body: { ResetType: 'PowerCycle' } }); // not in this capture's list
    expect([cycle.status, messageId(cycle)]).toEqual([400, 'Base.1.16.ActionParameterValueNotInList']);
    b.call('POST', target, { body: { ResetType: 'On' } });
    b.clock.advance(1000);
    expect(b.doc(sys).PowerState).toBe('On');
    // the Once override of the capture was used by that boot
    expect((b.doc(sys).Boot as Body).BootSourceOverrideEnabled).toBe('Disabled');
    expect(b.machine.lastBoot()?.target).toBe('Pxe');
  });

  it('OpenBMC capture: reset values come from its ActionInfo', () => {
    const b = mockup('openbmc-bmcweb');
    const target = '/redfish/v1/Systems/system/Actions/ComputerSystem.Reset';
    const push = b.call('POST', target, { body: { ResetType: 'PushPowerButton' } });
    expect(push.status).toBe(400);
    expect(b.call('POST', target, { body: { ResetType: 'On' } }).status).toBe(204);
    expect(b.doc('/redfish/v1/Systems/system').PowerState).toBe('PoweringOn');
  });

  it('the bladed capture has four Systems with independent power', () => {
    const b = mockup('dmtf-public-bladed');
    const [s1, s2] = systemsOf('dmtf-public-bladed') as [string, string];
    expect(systemsOf('dmtf-public-bladed').length).toBe(4);
    b.call('POST', `${s2}/Actions/ComputerSystem.Reset`, { body: { ResetType: 'ForceOff' } });
    b.clock.advance(1000);
    expect(b.doc(s2).PowerState).toBe('Off');
    expect(b.doc(s1).PowerState).toBe('On');
    expect(b.machine.powerState()).toBe('On'); // the BMC's own machine backs the first System
    expect(b.doc('/redfish/v1/Chassis/Blade2').PowerState).toBe('Off');
    expect(b.doc('/redfish/v1/Chassis/MultiBladeEncl').PowerState).toBe('On');
    b.fe.dispose?.();
  });

  it('boot override and LED PATCHes change state; other properties are refused', () => {
    const b = mockup('dmtf-public-tower');
    const sys = systemsOf('dmtf-public-tower')[0] as string;
    expect(
      b.call('PATCH', sys, {
        body: { Boot: { BootSourceOverrideTarget: 'Cd', BootSourceOverrideEnabled: 'Once' } },
      }).status,
    ).toBe(204);
    expect(b.doc(sys).Boot).toMatchObject({
      BootSourceOverrideTarget: 'Cd',
      BootSourceOverrideEnabled: 'Once',
    });
    const bad = b.call('PATCH', sys, { body: { Boot: { BootSourceOverrideTarget: 'Floppy' } } });
    expect([bad.status, messageId(bad)]).toEqual([400, 'Base.1.16.PropertyValueNotInList']);
    expect(b.call('PATCH', sys, { body: { IndicatorLED: 'Blinking' } }).status).toBe(204);
    expect(b.doc(sys).IndicatorLED).toBe('Blinking');
    expect(b.doc('/redfish/v1/Chassis/Tower').IndicatorLED).toBe(
      captured('dmtf-public-tower', '/redfish/v1/Chassis/Tower').IndicatorLED,
    );
    b.call('PATCH', '/redfish/v1/Chassis/Tower', { body: { IndicatorLED: 'Off' } });
    expect(b.doc('/redfish/v1/Chassis/Tower').IndicatorLED).toBe('Off');
    expect(messageId(b.call('PATCH', sys, { body: { SerialNumber: 'x' } }))).toBe(
      'Base.1.16.PropertyNotWritable',
    );
    const stale = b.call('PATCH', sys, { headers: { 'If-Match': '"0"' }, body: { IndicatorLED: 'Lit' } });
    expect([stale.status, messageId(stale)]).toEqual([412, 'Base.1.16.PreconditionFailed']);
    const tag = b.get(sys).headers?.ETag as string;
    expect(b.call('PATCH', sys, { headers: { 'If-Match': tag }, body: { IndicatorLED: 'Lit' } }).status).toBe(
      204,
    );
    // Other properties the DMTF schema marks writable are kept per BMC (see test/sim/features/mockup.test.ts).
    expect(messageId(b.call('PATCH', '/redfish/v1/Managers/BMC', { body: { DateTime: 'x' } }))).toBe(
      'Base.1.16.PropertyValueFormatError',
    );
  });

  it('ClearLog empties a captured log; power actions show up in the first System log', () => {
    const b = mockup('dmtf-public-rackmount1');
    const svc = '/redfish/v1/Systems/437XR1138R2/LogServices/Log1';
    const fileEntries = captured('dmtf-public-rackmount1', `${svc}/Entries`);
    b.call('POST', '/redfish/v1/Systems/437XR1138R2/Actions/ComputerSystem.Reset', {
      body: { ResetType: 'ForceOff' },
    });
    let entries = b.doc(`${svc}/Entries`);
    const members = entries.Members as Body[];
    expect(members.slice(0, 2)).toEqual(fileEntries.Members);
    expect(members.slice(2).map((m) => m.MessageId)).toEqual(['HwctlSim.1.0.HostForceOff']);
    expect(members[2]?.Id).toBe('3');
    expect(b.doc(members[2]?.['@odata.id'] as string).Message).toBe('Host forced off');

    const clear = (captured('dmtf-public-rackmount1', svc).Actions as Record<string, Body>)[
      '#LogService.ClearLog'
    ]?.target as string;
    expect(b.call('POST', clear, { body: {} }).status).toBe(204);
    entries = b.doc(`${svc}/Entries`);
    expect((entries.Members as Body[]).map((m) => m.MessageId)).toEqual(['HwctlSim.1.0.LogCleared']);
    expect(entries['@odata.nextLink']).toBeUndefined();
    expect(b.get(`${svc}/Entries/1`).status).toBe(404);

    const mgrLog = '/redfish/v1/Managers/BMC/LogServices/Log';
    const mgrClear = (captured('dmtf-public-rackmount1', mgrLog).Actions as Record<string, Body>)[
      '#LogService.ClearLog'
    ]?.target as string;
    expect((b.doc(`${mgrLog}/Entries`).Members as Body[]).length).toBeGreaterThan(0);
    b.call('POST', mgrClear, { body: {} });
    expect(b.doc(`${mgrLog}/Entries`)['Members@odata.count']).toBe(0);
  });

  it('Manager.Reset makes the BMC unreachable, then back', () => {
    const b = mockup('openbmc-bmcweb');
    expect(
      b.call('POST', '/redfish/v1/Managers/bmc/Actions/Manager.Reset', {
        body: { ResetType: 'GracefulRestart' },
      }).status,
    ).toBe(204);
    expect(b.get('/redfish/v1/Managers/bmc').status).toBe(503);
    b.clock.advance(b.machine.bmcRebootMs);
    expect(b.get('/redfish/v1/Managers/bmc').status).toBe(200);
  });

  it('other advertised actions answer 204 and change nothing; unknown action paths are 404', () => {
    const b = mockup('openbmc-bmcweb');
    expect(
      b.call('POST', '/redfish/v1/Managers/bmc/Actions/Manager.ResetToDefaults', {
        body: { ResetType: 'ResetAll' },
      }).status,
    ).toBe(204);
    expect(b.call('POST', '/redfish/v1/Managers/bmc/Actions/Manager.Explode', { body: {} }).status).toBe(404);
  });

  it('sessions are live whatever the capture holds', () => {
    const b = mockup('dmtf-public-rackmount1', { sessionLimit: 2 });
    expect(b.doc('/redfish/v1/SessionService/Sessions')['Members@odata.count']).toBe(0);
    expect(b.get('/redfish/v1/SessionService/Sessions/1234567890ABCDEF').status).toBe(404);
    const s = b.login();
    expect(b.get('/redfish/v1/Systems', { auth: { token: s.token } }).status).toBe(200);
    b.login();
    expect(
      b.call('POST', '/redfish/v1/SessionService/Sessions', {
        auth: 'none',
        body: { UserName: 'root', Password: '0penBmc' },
      }).status,
    ).toBe(503);
    expect(b.doc('/redfish/v1/SessionService').Description).toBe('Session Service');
    expect(b.get('/redfish/v1/Systems', { auth: 'none' }).status).toBe(401);
  });

  it('one capture is loaded once and shared by many BMCs', () => {
    const a = mockup('dmtf-public-tower', { name: 'a' });
    const c = mockup('dmtf-public-tower', { name: 'c' });
    const sys = systemsOf('dmtf-public-tower')[0] as string;
    a.call('POST', `${sys}/Actions/ComputerSystem.Reset`, { body: { ResetType: 'ForceOff' } });
    a.clock.advance(1000);
    expect(a.doc(sys).PowerState).toBe('Off');
    expect(c.doc(sys).PowerState).toBe('On');
    expect(c.doc('/redfish/v1/Managers/BMC')).toEqual(
      captured('dmtf-public-tower', '/redfish/v1/Managers/BMC'),
    );
  });

  it('a directory that is not a capture is refused at creation with a clear error', () => {
    expect(() => mockup('json-schema')).toThrow(/no index\.json/);
  });
});

/**
 * A capture shaped like what users bring from an iLO (ids with trailing slashes, Oem blocks) and a
 * Dell/AMI mix (`System.Embedded.1`, `Self`, ActionInfo only), with a dangling member.
 */
describe('mockup: shapes of real vendor captures', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hwctl-capture-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const put = (path: string, doc: Body): void => {
    const rel = path.replace(/^\/redfish\/v1\/?/, '').replace(/\/+$/, '');
    mkdirSync(join(dir, rel), { recursive: true });
    writeFileSync(join(dir, rel, 'index.json'), JSON.stringify(doc));
  };
  put('/redfish/v1/', {
    '@odata.id': '/redfish/v1/',
    '@odata.type': '#ServiceRoot.v1_5_0.ServiceRoot',
    Id: 'RootService',
    Name: 'HPE RESTful Root Service',
    Oem: { Hpe: { Manager: [{ ManagerType: 'iLO 5' }] } },
    Systems: { '@odata.id': '/redfish/v1/Systems/' },
    Chassis: { '@odata.id': '/redfish/v1/Chassis/' },
    Managers: { '@odata.id': '/redfish/v1/Managers/' },
  });
  put('/redfish/v1/Systems/', {
    '@odata.id': '/redfish/v1/Systems/',
    '@odata.type': '#ComputerSystemCollection.ComputerSystemCollection',
    Name: 'Computer Systems',
    Members: [
      { '@odata.id': '/redfish/v1/Systems/1/' },
      { '@odata.id': '/redfish/v1/Systems/System.Embedded.1' },
      { '@odata.id': '/redfish/v1/Systems/2/' },
    ],
  });
  put('/redfish/v1/Systems/1/', {
    '@odata.id': '/redfish/v1/Systems/1/',
    '@odata.type': '#ComputerSystem.v1_13_0.ComputerSystem',
    Id: '1',
    Name: 'Computer System',
    SerialNumber: 'MXQ12345AB',
    PowerState: 'Off',
    IndicatorLED: 'Lit',
    Boot: {
      BootSourceOverrideTarget: 'None',
      BootSourceOverrideEnabled: 'Disabled',
      'BootSourceOverrideTarget@Redfish.AllowableValues': ['None', 'Pxe', 'Hdd'],
    },
    Links: { Chassis: [{ '@odata.id': '/redfish/v1/Chassis/1/' }] },
    Actions: {
      '#ComputerSystem.Reset': {
        target: '/redfish/v1/Systems/1/Actions/ComputerSystem.Reset/',
        'ResetType@Redfish.AllowableValues': [
          'On',
          'ForceOff',
          'GracefulShutdown',
          'ForceRestart',
          'Nmi',
          'PushPowerButton',
        ],
      },
    },
  });
  put('/redfish/v1/Systems/System.Embedded.1', {
    '@odata.id': '/redfish/v1/Systems/System.Embedded.1',
    '@odata.type': '#ComputerSystem.v1_12_0.ComputerSystem',
    Id: 'System.Embedded.1',
    Name: 'System',
    PowerState: 'On',
    Links: { Chassis: [{ '@odata.id': '/redfish/v1/Chassis/Self' }] },
    Actions: {
      '#ComputerSystem.Reset': {
        target: '/redfish/v1/Systems/System.Embedded.1/Actions/ComputerSystem.Reset',
        '@Redfish.ActionInfo': '/redfish/v1/Systems/System.Embedded.1/ResetActionInfo',
      },
    },
  });
  put('/redfish/v1/Systems/System.Embedded.1/ResetActionInfo', {
    '@odata.id': '/redfish/v1/Systems/System.Embedded.1/ResetActionInfo',
    '@odata.type': '#ActionInfo.v1_1_2.ActionInfo',
    Id: 'ResetActionInfo',
    Name: 'Reset Action Info',
    Parameters: [{ Name: 'ResetType', Required: true, DataType: 'String', AllowableValues: ['On', 'Off'] }],
  });
  put('/redfish/v1/Chassis/', {
    '@odata.id': '/redfish/v1/Chassis/',
    '@odata.type': '#ChassisCollection.ChassisCollection',
    Name: 'Chassis',
    Members: [{ '@odata.id': '/redfish/v1/Chassis/1/' }, { '@odata.id': '/redfish/v1/Chassis/Self' }],
  });
  put('/redfish/v1/Chassis/1/', {
    '@odata.id': '/redfish/v1/Chassis/1/',
    '@odata.type': '#Chassis.v1_10_0.Chassis',
    Id: '1',
    Name: 'Computer System Chassis',
    ChassisType: 'RackMount',
    PowerState: 'Off',
    IndicatorLED: 'Lit',
  });
  put('/redfish/v1/Chassis/Self', {
    '@odata.id': '/redfish/v1/Chassis/Self',
    '@odata.type': '#Chassis.v1_10_0.Chassis',
    Id: 'Self',
    Name: 'Chassis',
    ChassisType: 'RackMount',
    PowerState: 'On',
    LocationIndicatorActive: false,
  });
  put('/redfish/v1/Managers/', {
    '@odata.id': '/redfish/v1/Managers/',
    '@odata.type': '#ManagerCollection.ManagerCollection',
    Name: 'Managers',
    Members: [{ '@odata.id': '/redfish/v1/Managers/1/' }],
  });
  const vendor = (): TestBmc => makeBmc('mockup', { mockupDir: dir });

  it('ids with trailing slashes answer with or without the slash; a dangling member is a 404', () => {
    const b = vendor();
    expect(b.doc('/redfish/v1/Systems/1/').SerialNumber).toBe('MXQ12345AB');
    expect(b.doc('/redfish/v1/Systems/1')['@odata.id']).toBe('/redfish/v1/Systems/1/');
    const r = b.get('/redfish/v1/Systems/2/');
    expect([r.status, messageId(r)]).toEqual([404, 'Base.1.16.ResourceMissingAtURI']);
    expect(b.get('/redfish/v1/Managers/1/').status).toBe(404);
    expect(b.machine.powerState()).toBe('Off');
    expect(b.machine.indicatorLed()).toBe('Lit');
  });

  it('the reset target with a trailing slash works, with the inline allowable values', () => {
    const b = vendor();
    const bad = b.call('POST', '/redfish/v1/Systems/1/Actions/ComputerSystem.Reset/', {
      body: { ResetType: 'PowerCycle' },
    });
    expect(bad.status).toBe(400);
    expect(
      b.call('POST', '/redfish/v1/Systems/1/Actions/ComputerSystem.Reset/', { body: { ResetType: 'On' } })
        .status,
    ).toBe(204);
    b.clock.advance(1000);
    expect(b.doc('/redfish/v1/Systems/1/').PowerState).toBe('On');
    expect(b.doc('/redfish/v1/Chassis/1/').PowerState).toBe('On');
  });

  it('System.Embedded.1 with ActionInfo only: its odd "Off" value works as a forced off; Self chassis follows', () => {
    const b = vendor();
    const target = '/redfish/v1/Systems/System.Embedded.1/Actions/ComputerSystem.Reset';
    expect(b.call('POST', target, { body: { ResetType: 'ForceOff' } }).status).toBe(400);
    expect(b.call('POST', target, { body: { ResetType: 'Off' } }).status).toBe(204);
    b.clock.advance(1000);
    expect(b.doc('/redfish/v1/Systems/System.Embedded.1').PowerState).toBe('Off');
    expect(b.doc('/redfish/v1/Chassis/Self').PowerState).toBe('Off');
    // this System has no LED property: the Self chassis LED is the machine's
    expect(
      b.call('PATCH', '/redfish/v1/Chassis/Self', { body: { LocationIndicatorActive: true } }).status,
    ).toBe(204);
    expect(b.doc('/redfish/v1/Chassis/Self').LocationIndicatorActive).toBe(true);
    expect(
      b.call('PATCH', '/redfish/v1/Systems/System.Embedded.1', { body: { IndicatorLED: 'Lit' } }).status,
    ).toBe(400);
    b.fe.dispose?.();
  });
});

describe('mockup: a broken capture file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hwctl-broken-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  it('answers 500 naming the file, and the rest keeps working', () => {
    writeFileSync(
      join(dir, 'index.json'),
      JSON.stringify({ '@odata.id': '/redfish/v1', Systems: { '@odata.id': '/redfish/v1/Systems' } }),
    );
    mkdirSync(join(dir, 'Chassis'));
    writeFileSync(join(dir, 'Chassis', 'index.json'), '{"Members": [');
    const b = makeBmc('mockup', { mockupDir: dir });
    const r = b.get('/redfish/v1/Chassis');
    expect([r.status, messageId(r)]).toEqual([500, 'Base.1.16.InternalError']);
    expect(JSON.stringify(r.body)).toContain(join(dir, 'Chassis', 'index.json'));
    expect(b.get('/redfish/v1').status).toBe(200);
  });
});
