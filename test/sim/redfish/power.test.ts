import { describe, it, expect } from '@jest/globals';
import { makeBmc, messageId, type TestBmc } from './helpers.js';

const SYS = '/redfish/v1/Systems/1';
const RESET = `${SYS}/Actions/ComputerSystem.Reset`;

function reset(b: TestBmc, type: string, path = RESET) {
  return b.call('POST', path, { body: { ResetType: type } });
}
function power(b: TestBmc, path = SYS): unknown {
  return b.doc(path).PowerState;
}

describe('ComputerSystem.Reset (generic)', () => {
  it('advertises every ResetType inline', () => {
    const b = makeBmc('generic');
    const action = (b.doc(SYS).Actions as Record<string, Record<string, unknown>>)['#ComputerSystem.Reset'];
    expect(action?.target).toBe(RESET);
    expect(action?.['ResetType@Redfish.AllowableValues']).toEqual([
      'On',
      'ForceOff',
      'GracefulShutdown',
      'GracefulRestart',
      'ForceRestart',
      'Nmi',
      'ForceOn',
      'PushPowerButton',
      'PowerCycle',
    ]);
  });

  it('On from Off goes PoweringOn, then On after the transition time', () => {
    const b = makeBmc('generic', { initialPower: 'Off' });
    expect(power(b)).toBe('Off');
    expect(reset(b, 'On').status).toBe(204);
    expect(power(b)).toBe('PoweringOn');
    b.clock.advance(999);
    expect(power(b)).toBe('PoweringOn');
    b.clock.advance(1);
    expect(power(b)).toBe('On');
    expect(b.doc('/redfish/v1/Chassis/1').PowerState).toBe('On');
  });

  it('ForceOn behaves like On; On while on is a no-op 204', () => {
    const b = makeBmc('generic', { initialPower: 'Off' });
    expect(reset(b, 'ForceOn').status).toBe(204);
    b.clock.advance(1000);
    expect(power(b)).toBe('On');
    expect(reset(b, 'On').status).toBe(204);
    expect(power(b)).toBe('On');
  });

  it('ForceOff cuts power: PoweringOff, then Off; ForceOff while off is a no-op', () => {
    const b = makeBmc('generic');
    expect(reset(b, 'ForceOff').status).toBe(204);
    expect(power(b)).toBe('PoweringOff');
    b.clock.advance(1000);
    expect(power(b)).toBe('Off');
    expect(reset(b, 'ForceOff').status).toBe(204);
    expect(power(b)).toBe('Off');
  });

  it('GracefulShutdown needs a running OS: refused with 409 while the host boots', () => {
    const b = makeBmc('generic', { initialPower: 'Off' });
    reset(b, 'On');
    const r = reset(b, 'GracefulShutdown');
    expect(r.status).toBe(409);
    expect(messageId(r)).toBe('HwctlSim.1.0.HostNotRunning');
    b.clock.advance(1000);
    expect(reset(b, 'GracefulShutdown').status).toBe(204);
    expect(power(b)).toBe('PoweringOff');
    b.clock.advance(1000);
    expect(power(b)).toBe('Off');
  });

  it('GracefulRestart runs PoweringOff then PoweringOn and boots again', () => {
    const b = makeBmc('generic');
    expect(reset(b, 'GracefulRestart').status).toBe(204);
    expect(power(b)).toBe('PoweringOff');
    b.clock.advance(1000);
    expect(power(b)).toBe('PoweringOn');
    b.clock.advance(1000);
    expect(power(b)).toBe('On');
    expect(b.machine.lastBoot()?.at).toBe(b.clock.now());
  });

  it('ForceRestart is a warm reset (straight to PoweringOn); needs the system on', () => {
    const b = makeBmc('generic');
    expect(reset(b, 'ForceRestart').status).toBe(204);
    expect(power(b)).toBe('PoweringOn');
    b.clock.advance(1000);
    expect(power(b)).toBe('On');
    const off = makeBmc('generic', { initialPower: 'Off' });
    const r = reset(off, 'ForceRestart');
    expect(r.status).toBe(409);
    expect(messageId(r)).toBe('Base.1.16.ResourceInStandby');
  });

  it('PowerCycle goes off and on again; from Off it powers on', () => {
    const b = makeBmc('generic');
    expect(reset(b, 'PowerCycle').status).toBe(204);
    expect(power(b)).toBe('PoweringOff');
    b.clock.advance(1000);
    expect(power(b)).toBe('PoweringOn');
    b.clock.advance(1000);
    expect(power(b)).toBe('On');
    const off = makeBmc('generic', { initialPower: 'Off' });
    reset(off, 'PowerCycle');
    expect(power(off)).toBe('PoweringOn');
  });

  it('Nmi halts the OS (health Critical, still On); later graceful actions need a running OS', () => {
    const b = makeBmc('generic');
    expect(reset(b, 'Nmi').status).toBe(204);
    const sys = b.doc(SYS);
    expect(sys.PowerState).toBe('On');
    expect((sys.Status as Record<string, unknown>).Health).toBe('Critical');
    expect(reset(b, 'GracefulShutdown').status).toBe(409);
    expect(reset(b, 'ForceOff').status).toBe(204);
  });

  it('PushPowerButton: on when off, graceful shutdown when running', () => {
    const b = makeBmc('generic', { initialPower: 'Off' });
    reset(b, 'PushPowerButton');
    expect(power(b)).toBe('PoweringOn');
    b.clock.advance(1000);
    reset(b, 'PushPowerButton');
    expect(power(b)).toBe('PoweringOff');
    b.clock.advance(1000);
    expect(power(b)).toBe('Off');
  });

  it('power actions add event log entries', () => {
    const b = makeBmc('generic');
    reset(b, 'ForceOff');
    b.clock.advance(1000);
    const entries = b.doc(`${SYS}/LogServices/Log/Entries`).Members as { MessageId: string }[];
    expect(entries.map((e) => e.MessageId)).toEqual([
      'HwctlSim.1.0.HostForceOff',
      'HwctlSim.1.0.HostPoweredOff',
    ]);
  });

  it('rejects missing, mistyped, unknown and unlisted ResetType values with 400', () => {
    const b = makeBmc('generic');
    const missing = b.call('POST', RESET, { body: {} });
    expect([missing.status, messageId(missing)]).toEqual([400, 'Base.1.16.ActionParameterMissing']);
    const typed = b.call('POST', RESET, { body: { ResetType: 3 } });
    expect([typed.status, messageId(typed)]).toEqual([400, 'Base.1.16.ActionParameterValueTypeError']);
    const unknown = reset(b, 'Suspend');
    expect([unknown.status, messageId(unknown)]).toEqual([400, 'Base.1.16.ActionParameterValueNotInList']);
    const extra = b.call('POST', RESET, { body: { ResetType: 'On', Force: true } });
    expect([extra.status, messageId(extra)]).toEqual([400, 'Base.1.16.ActionParameterUnknown']);
    expect(b.get(RESET).status).toBe(405);
    expect(power(b)).toBe('On');
  });
});

describe('ComputerSystem.Reset personality quirks', () => {
  it('iDRAC: 409 PSU501 when powering on a server that is on, PSU502 when turning off one that is off', () => {
    const b = makeBmc('idrac');
    const path = '/redfish/v1/Systems/System.Embedded.1/Actions/ComputerSystem.Reset';
    const on = reset(b, 'On', path);
    expect(on.status).toBe(409);
    expect(messageId(on)).toBe('IDRAC.2.8.PSU501');
    expect(reset(b, 'ForceOff', path).status).toBe(204);
    b.clock.advance(1000);
    const off = reset(b, 'ForceOff', path);
    expect([off.status, messageId(off)]).toEqual([409, 'IDRAC.2.8.PSU502']);
    expect(reset(b, 'On', path).status).toBe(204);
    expect(power(b, '/redfish/v1/Systems/System.Embedded.1')).toBe('PoweringOn');
  });

  it('iLO: a reset while off is a 400 InvalidOperationForSystemState; On works', () => {
    const b = makeBmc('ilo', { initialPower: 'Off' });
    const path = '/redfish/v1/Systems/1/Actions/ComputerSystem.Reset/';
    for (const t of ['ForceOff', 'ForceRestart', 'GracefulShutdown', 'Nmi']) {
      const r = reset(b, t, path);
      expect([t, r.status, messageId(r)]).toEqual([t, 400, 'iLO.2.15.InvalidOperationForSystemState']);
    }
    const on = reset(b, 'On', path);
    expect(on.status).toBe(200);
    expect((on.body as { error: { code: string } }).error.code).toBe('iLO.0.10.ExtendedInfo');
  });

  it('OpenBMC: reset values only through ActionInfo, which lists what is accepted', () => {
    const b = makeBmc('openbmc');
    const sys = b.doc('/redfish/v1/Systems/system');
    const action = (sys.Actions as Record<string, Record<string, unknown>>)[
      '#ComputerSystem.Reset'
    ] as Record<string, unknown>;
    expect(action['ResetType@Redfish.AllowableValues']).toBeUndefined();
    expect(action['@Redfish.ActionInfo']).toBe('/redfish/v1/Systems/system/ResetActionInfo');
    const info = b.doc('/redfish/v1/Systems/system/ResetActionInfo');
    const values = (info.Parameters as { Name: string; AllowableValues: string[] }[])[0]?.AllowableValues;
    expect(values).toEqual([
      'On',
      'ForceOff',
      'ForceOn',
      'ForceRestart',
      'GracefulRestart',
      'GracefulShutdown',
      'PowerCycle',
      'Nmi',
    ]);
    const push = reset(b, 'PushPowerButton', '/redfish/v1/Systems/system/Actions/ComputerSystem.Reset');
    expect([push.status, messageId(push)]).toEqual([400, 'Base.1.16.0.ActionParameterValueNotInList']);
  });
});
