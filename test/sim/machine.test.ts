import { describe, it, expect } from '@jest/globals';
import { ManualClock } from '../../src/sim/clock.js';
import { SimMachine } from '../../src/sim/machine.js';
import { describeImage, BAD_IMAGE_MARKER } from '../../src/sim/firmware.js';

function machine(extra: Partial<ConstructorParameters<typeof SimMachine>[0]> = {}) {
  const clock = new ManualClock();
  const m = new SimMachine({ name: 'sim001', seed: 7, clock, transitionMs: 100, ...extra });
  return { clock, m };
}

describe('SimMachine identity', () => {
  it('is deterministic from name and seed and differs between nodes', () => {
    const a = new SimMachine({ name: 'sim001', seed: 7 });
    const b = new SimMachine({ name: 'sim001', seed: 7 });
    const c = new SimMachine({ name: 'sim002', seed: 7 });
    expect(a.identity).toEqual(b.identity);
    expect(a.identity.uuid).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(c.identity.serialNumber).not.toBe(a.identity.serialNumber);
    expect(c.identity.bmcMac).not.toBe(a.identity.bmcMac);
    expect(a.hardware.cpus).toHaveLength(2);
    expect(a.hardware.dimms.length).toBeGreaterThan(0);
    expect(a.hardware.nics[0]?.macAddress).toMatch(/^02(:[0-9a-f]{2}){5}$/);
  });

  it('uses vendor-like identities', () => {
    expect(new SimMachine({ name: 'n', vendor: 'dell' }).identity.manufacturer).toBe('Dell Inc.');
    expect(new SimMachine({ name: 'n', vendor: 'hpe' }).identity.manufacturer).toBe('HPE');
  });
});

describe('SimMachine power', () => {
  it('powers off gracefully through PoweringOff and on through PoweringOn', () => {
    const { clock, m } = machine();
    expect(m.powerState()).toBe('On');
    expect(m.gracefulShutdown()).toEqual({ ok: true, changed: true });
    expect(m.powerState()).toBe('PoweringOff');
    expect(m.hostState()).toBe('TransitioningToOff');
    clock.advance(99);
    expect(m.powerState()).toBe('PoweringOff');
    clock.advance(1);
    expect(m.powerState()).toBe('Off');
    expect(m.chassisState()).toBe('Off');
    expect(m.powerOn()).toEqual({ ok: true, changed: true });
    expect(m.powerState()).toBe('PoweringOn');
    clock.advance(100);
    expect(m.powerState()).toBe('On');
    expect(m.hostState()).toBe('Running');
  });

  it('refuses a graceful shutdown without a running OS', () => {
    const { clock, m } = machine({ initialPower: 'Off' });
    expect(m.gracefulShutdown()).toEqual({ ok: true, changed: false });
    m.powerOn();
    const r = m.gracefulShutdown();
    expect(r.ok).toBe(false);
    expect(r.ok === false && r.reason).toBe('notRunning');
    clock.advance(100);
    m.nmi();
    expect(m.hostState()).toBe('Quiesced');
    expect(m.gracefulShutdown()).toMatchObject({ ok: false, reason: 'notRunning' });
    expect(m.forceOff()).toEqual({ ok: true, changed: true });
  });

  it('treats power on of a running host as a no-op and power on while powering off as busy', () => {
    const { m } = machine();
    expect(m.powerOn()).toEqual({ ok: true, changed: false });
    m.gracefulShutdown();
    expect(m.powerOn()).toMatchObject({ ok: false, reason: 'busy' });
  });

  it('restarts: force restart boots again, graceful restart goes off then on, power cycle too', () => {
    const { clock, m } = machine();
    const boots: string[] = [];
    m.on('boot', (b) => boots.push(b.target));
    m.forceRestart();
    expect(m.powerState()).toBe('PoweringOn');
    clock.advance(100);
    expect(boots).toHaveLength(1);
    m.gracefulRestart();
    expect(m.powerState()).toBe('PoweringOff');
    clock.advance(100);
    expect(m.powerState()).toBe('PoweringOn');
    expect(m.chassisState()).toBe('On');
    clock.advance(100);
    expect(m.powerState()).toBe('On');
    m.powerCycle();
    clock.advance(100);
    expect(m.powerState()).toBe('PoweringOn');
    clock.advance(100);
    expect(m.powerState()).toBe('On');
    expect(boots).toHaveLength(3);
    m.forceOff();
    clock.advance(100);
    expect(m.forceRestart()).toMatchObject({ ok: false, reason: 'off' });
    expect(m.powerCycle()).toEqual({ ok: true, changed: true }); // from off: plain power on
  });

  it('force off during power on wins', () => {
    const { clock, m } = machine({ initialPower: 'Off' });
    m.powerOn();
    clock.advance(50);
    m.forceOff();
    clock.advance(100);
    expect(m.powerState()).toBe('Off');
    expect(clock.pendingTimers()).toBe(0);
  });

  it('logs power actions', () => {
    const { clock, m } = machine();
    const before = m.log.size;
    m.forceOff();
    clock.advance(100);
    const ids = m.log
      .list()
      .slice(before)
      .map((e) => e.messageId);
    expect(ids).toEqual(['HwctlSim.1.0.HostForceOff', 'HwctlSim.1.0.HostPoweredOff']);
  });

  it('chassis on leaves the host off (OpenBMC "on (Chassis)")', () => {
    const { m } = machine({ initialPower: 'Off' });
    m.chassisOn();
    expect(m.chassisState()).toBe('On');
    expect(m.hostState()).toBe('Off');
    expect(m.powerState()).toBe('Off');
    m.forceOff();
    expect(m.chassisState()).toBe('Off');
  });
});

describe('SimMachine boot override', () => {
  it('Once is consumed by the next boot, Continuous stays', () => {
    const { clock, m } = machine();
    m.setBootOverride({ target: 'Pxe', enabled: 'Once' });
    m.forceRestart();
    clock.advance(100);
    expect(m.lastBoot()?.target).toBe('Pxe');
    expect(m.bootOverride()).toEqual({ target: 'Pxe', enabled: 'Disabled', mode: 'UEFI' });
    m.forceRestart();
    clock.advance(100);
    expect(m.lastBoot()?.target).toBe('None');
    m.setBootOverride({ target: 'Hdd', enabled: 'Continuous', mode: 'Legacy' });
    m.forceRestart();
    clock.advance(100);
    expect(m.bootOverride().enabled).toBe('Continuous');
    expect(m.lastBoot()).toMatchObject({ target: 'Hdd', mode: 'Legacy' });
  });

  it('rejects invalid values without changing anything', () => {
    const { m } = machine();
    expect(() => m.setBootOverride({ target: 'Pxe', enabled: 'Sometimes' as never })).toThrow(/enabled/);
    expect(m.bootOverride().target).toBe('None');
  });
});

describe('SimMachine BMC, LED, sensors, log', () => {
  it('bmcReboot makes the BMC NotReady for the given time and refuses power actions', () => {
    const { clock, m } = machine();
    const events: string[] = [];
    m.on('bmc', (e) => events.push(e));
    m.bmcReboot(500);
    expect(m.bmcState()).toBe('NotReady');
    expect(m.powerOn()).toMatchObject({ ok: false, reason: 'bmcNotReady' });
    clock.advance(499);
    expect(m.bmcReady()).toBe(false);
    clock.advance(1);
    expect(m.bmcState()).toBe('Ready');
    expect(events).toEqual(['down', 'up']);
  });

  it('identify blinks the LED', () => {
    const { m } = machine();
    m.setIdentify(true);
    expect(m.indicatorLed()).toBe('Blinking');
    m.setIndicatorLed('Lit');
    expect(m.identifyActive()).toBe(true);
    m.setIdentify(false);
    expect(m.indicatorLed()).toBe('Off');
  });

  it('sensor readings drift a little, deterministically, and depend on power', () => {
    const { clock, m } = machine();
    const fanOn = m.sensor('fan0');
    expect(fanOn?.reading).toBeGreaterThan(6000);
    expect(fanOn?.state).toBe('Enabled');
    const seen = new Set<number>();
    for (let i = 0; i < 10; i++) {
      clock.advance(5000);
      const r = m.sensor('cpu0_temp')?.reading ?? 0;
      expect(Math.abs(r - 56)).toBeLessThan(56 * 0.021);
      seen.add(r);
    }
    expect(seen.size).toBeGreaterThan(1);
    const twin = new SimMachine({ name: 'sim001', seed: 7, clock, transitionMs: 100 });
    expect(twin.sensors()).toEqual(m.sensors());
    m.forceOff();
    clock.advance(100);
    expect(m.sensor('fan0')).toMatchObject({ reading: 0, state: 'StandbyOffline', health: 'OK' });
    expect(m.sensor('total_power')?.reading).toBeLessThan(20);
  });

  it('a sensor override beyond a threshold turns it critical and logs', () => {
    const { m } = machine();
    m.overrideSensor('inlet_temp', 50);
    expect(m.sensor('inlet_temp')).toMatchObject({ reading: 50, health: 'Critical' });
    expect(m.log.list().at(-1)?.severity).toBe('Critical');
  });

  it('log: fill, resolve, clear keeps one entry and ids are never reused', () => {
    const { m } = machine({ initialLogEntries: 120 });
    expect(m.log.size).toBe(120);
    expect(m.log.setResolved(5, true)).toBe(true);
    expect(m.log.get(5)?.resolved).toBe(true);
    m.clearLog();
    expect(m.log.list()).toHaveLength(1);
    expect(m.log.list()[0]?.id).toBe(121);
  });

  it('checks credentials and changes passwords', () => {
    const { m } = machine({ username: 'admin', password: 's3cret' });
    expect(m.checkCredentials('admin', 's3cret')).toBe(true);
    expect(m.checkCredentials('admin', 'wrong')).toBe(false);
    expect(m.checkCredentials('root', 's3cret')).toBe(false);
    expect(() => m.setPassword('admin', 'n3w')).toThrow('8 to 20 characters');
    m.setPassword('admin', 'n3w-passw0rd');
    expect(m.checkCredentials('admin', 'n3w-passw0rd')).toBe(true);
    m.updateAccount('admin', { enabled: false });
    expect(m.checkCredentials('admin', 'n3w-passw0rd')).toBe(false);
  });
});

describe('SimMachine firmware', () => {
  it('reads versions from a MANIFEST or a file name', () => {
    expect(
      describeImage(
        Buffer.from(
          'junk\0version=2.15.0-dev\npurpose=xyz.openbmc_project.Software.Version.VersionPurpose.BMC\n',
        ),
        'x.tar',
      ),
    ).toEqual({ version: '2.15.0-dev', purpose: 'BMC', bad: false });
    expect(describeImage(undefined, 'http://srv/fw/bios-1.9.2.bin')).toEqual({
      version: '1.9.2',
      purpose: 'Host',
      bad: false,
    });
    expect(() => describeImage(Buffer.from('hello'), 'readme.txt')).toThrow(/not a firmware image/);
  });

  it('an update job progresses to Completed; the image is functional after the BMC reboots', () => {
    const { clock, m } = machine({ updateMs: 1000 });
    const oldVersion = m.identity.bmcFirmwareVersion;
    const job = m.firmware.startUpdate(Buffer.from('version=9.9.9\npurpose=BMC\n'), 'bmc.tar');
    expect(job.state).toBe('Running');
    clock.advance(500);
    expect(m.firmware.job(job.id)?.percent).toBe(50);
    clock.advance(500);
    expect(m.firmware.job(job.id)?.state).toBe('Completed');
    expect(m.identity.bmcFirmwareVersion).toBe(oldVersion);
    m.bmcReboot(100);
    clock.advance(100);
    expect(m.identity.bmcFirmwareVersion).toBe('9.9.9');
    expect(m.firmware.functional('BMC').version).toBe('9.9.9');
  });

  it('a bad image ends in Exception and its activation Failed', () => {
    const { clock, m } = machine({ updateMs: 1000 });
    const job = m.firmware.startUpdate(Buffer.from(`version=1.0\n${BAD_IMAGE_MARKER}`), 'x.tar');
    clock.advance(1000);
    const done = m.firmware.job(job.id);
    expect(done?.state).toBe('Exception');
    expect(m.firmware.get(done?.imageId ?? '')?.activation).toBe('Failed');
    expect(m.firmware.startUpdate(Buffer.from('nothing'), 'nothing.txt').state).toBe('Exception');
  });

  it('a Host image becomes functional at the next host boot', () => {
    const { clock, m } = machine({ updateMs: 100 });
    const img = m.firmware.upload(undefined, 'bios-3.1.0.bin');
    m.firmware.activate(img.id);
    clock.advance(100);
    expect(m.identity.biosVersion).not.toBe('3.1.0');
    m.forceRestart();
    clock.advance(100);
    expect(m.identity.biosVersion).toBe('3.1.0');
  });
});
