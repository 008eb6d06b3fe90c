/**
 * rpower end to end against the simulator over HTTPS: both flavors, every Redfish personality.
 * States are checked against the simulated machines, request counts against the simulator's stats,
 * and no session may be left open after any run.
 */
import { describe, it, expect } from '@jest/globals';
import { countRequests, useFleet } from '../helpers/sim-harness.js';
import { fill, POWER_ACTIONS, rpower, settle, startKindFleet } from './harness.js';

const f = useFleet(() => startKindFleet());

const inv = () => f.sim.inventory;

/** What rpower stat should print for a node, from the machine itself. */
function expectedStat(node: string): string {
  const m = f.sim.machine(node);
  if (node === f.node['openbmc-rest']) {
    if (m.chassisState() === 'Off') return 'off';
    return m.hostState() === 'Off' ? 'on (Chassis)' : m.hostState() === 'Running' ? 'on' : m.hostState();
  }
  return m.powerState().toLowerCase();
}

describe('rpower against every kind of BMC', () => {
  it('stat prints each machine state (on, off, on (Chassis))', async () => {
    f.sim.admin.power(`${f.node.idrac},${f.node.bmcweb}`, 'ForceOff');
    await settle(f.sim);
    f.sim.machine(f.node['openbmc-rest']).forceOff();
    await settle(f.sim);
    f.sim.machine(f.node['openbmc-rest']).chassisOn();
    const r = await rpower(inv(), 'all', ['stat']);
    expect(r.code).toBe(0);
    for (const n of f.all) expect(r.byNode.get(n)).toBe(expectedStat(n));
    expect(r.byNode.get(f.node.idrac)).toBe('off');
    expect(r.byNode.get(f.node['openbmc-rest'])).toBe('on (Chassis)');
    expect(r.byNode.get(f.node.generic)).toBe('on');
  });

  it('on powers on what is off and sends nothing to what is on (no iDRAC 409)', async () => {
    f.sim.admin.resetStats();
    const r = await rpower(inv(), 'all', ['on'], { wait: '5' });
    expect(r.code).toBe(0);
    for (const n of f.all) expect(r.byNode.get(n)).toMatch(/^on \(\d+\.\d s\)$/);
    for (const n of f.all) expect(f.sim.machine(n).powerState()).toBe('On');
    const sent = countRequests(f.sim, POWER_ACTIONS);
    expect(sent).toEqual({
      ...fill(f.all, 0),
      [f.node.idrac]: 1,
      [f.node.bmcweb]: 1,
      [f.node['openbmc-rest']]: 1,
    });
    f.sim.admin.resetStats();
    const again = await rpower(inv(), 'all', ['on']);
    expect(again.code).toBe(0);
    expect(countRequests(f.sim, POWER_ACTIONS)).toEqual(fill(f.all, 0));
  });

  it('off --wait reaches off everywhere with one action each; off again sends nothing', async () => {
    f.sim.admin.resetStats();
    const r = await rpower(inv(), 'all', ['off'], { wait: '5', output: 'json' });
    expect(r.code).toBe(0);
    for (const res of r.json!.results) {
      expect(res.value).toMatchObject({ state: 'off', verb: 'off', changed: true, phase: 'off' });
      expect(typeof res.value!.seconds).toBe('number');
    }
    expect(countRequests(f.sim, POWER_ACTIONS)).toEqual(fill(f.all, 1));
    expect(countRequests(f.sim, /ComputerSystem\.Reset/)).toEqual({
      ...fill(f.redfish, 1),
      [f.node['openbmc-rest']]: 0,
    });
    for (const n of f.all) expect(f.sim.machine(n).chassisState()).toBe('Off');
    f.sim.admin.resetStats();
    const again = await rpower(inv(), 'all', ['off']);
    expect(again.code).toBe(0);
    for (const n of f.all) expect(again.byNode.get(n)).toBe('off');
    expect(countRequests(f.sim, POWER_ACTIONS)).toEqual(fill(f.all, 0));
  });

  it('an action reuses the state read: off costs what stat costs plus the action itself', async () => {
    const nodes = f.redfish.join(',');
    f.sim.admin.power(nodes, 'On');
    await settle(f.sim);
    const requests = () => Object.fromEntries(f.redfish.map((n) => [n, f.sim.stats().perNode[n]!.requests]));
    f.sim.admin.resetStats();
    expect((await rpower(inv(), nodes, ['stat'])).code).toBe(0);
    const stat = requests();
    f.sim.admin.resetStats();
    expect((await rpower(inv(), nodes, ['off'])).code).toBe(0);
    const actions = countRequests(f.sim, /ComputerSystem\.Reset/);
    // where the allowed ResetTypes live in an ActionInfo resource, that one read comes on top
    const actionInfo = countRequests(f.sim, /^GET .*ActionInfo/);
    for (const n of f.redfish) {
      expect(actions[n]).toBe(1);
      expect({ node: n, requests: requests()[n]! - actionInfo[n]! }).toEqual({
        node: n,
        requests: stat[n]! + 1,
      });
    }
    await settle(f.sim); // leave them off, as the tests below expect
  });

  it('reset on nodes that are off prints off and sends nothing (no iLO 400, no 409)', async () => {
    f.sim.admin.resetStats();
    const r = await rpower(inv(), 'all', ['reset']);
    expect(r.code).toBe(0);
    for (const n of f.all) expect(r.byNode.get(n)).toBe('off');
    expect(countRequests(f.sim, POWER_ACTIONS)).toEqual(fill(f.all, 0));
  });

  it('boot on nodes that are off powers them on', async () => {
    f.sim.admin.resetStats();
    const r = await rpower(inv(), 'all', ['boot'], { wait: '5' });
    expect(r.code).toBe(0);
    for (const n of f.all) expect(r.byNode.get(n)).toMatch(/^on \(/);
    expect(countRequests(f.sim, POWER_ACTIONS)).toEqual(fill(f.all, 1));
    for (const n of f.all) expect(f.sim.machine(n).hostState()).toBe('Running');
  });

  it('reset on nodes that are on: exactly one restart per node (OpenBMC REST: chassis off, then host on)', async () => {
    f.sim.admin.resetStats();
    const r = await rpower(inv(), 'all', ['reset'], { output: 'json' });
    expect(r.code).toBe(0);
    const actions = Object.fromEntries(r.json!.results.map((x) => [x.node, x.value!.action]));
    expect(actions).toEqual({
      ...Object.fromEntries(f.redfish.map((n) => [n, 'ForceRestart'])),
      [f.node['openbmc-rest']]: 'chassis Off, then host On',
    });
    for (const x of r.json!.results) expect(x.value!.state).toBe('reset');
    expect(countRequests(f.sim, /ComputerSystem\.Reset/)).toEqual({
      ...fill(f.redfish, 1),
      [f.node['openbmc-rest']]: 0,
    });
    expect(countRequests(f.sim, /RequestedPowerTransition/)[f.node['openbmc-rest']]).toBe(1);
    expect(countRequests(f.sim, /RequestedHostTransition/)[f.node['openbmc-rest']]).toBe(1);
    await settle(f.sim);
    for (const n of f.all) expect(f.sim.machine(n).powerState()).toBe('On');
  });

  it('softoff --wait: graceful shutdown to off', async () => {
    f.sim.admin.resetStats();
    const r = await rpower(inv(), 'all', ['softoff'], { wait: '5' });
    expect(r.code).toBe(0);
    for (const n of f.all) expect(r.byNode.get(n)).toMatch(/^off \(/);
    expect(countRequests(f.sim, /ComputerSystem\.Reset/)).toEqual({
      ...fill(f.redfish, 1),
      [f.node['openbmc-rest']]: 0,
    });
    expect(countRequests(f.sim, /RequestedHostTransition/)[f.node['openbmc-rest']]).toBe(1);
    for (const n of f.all) expect(f.sim.machine(n).chassisState()).toBe('Off');
  });

  it('stat --expect on fails the nodes that are not on (exit 1, kind failed)', async () => {
    await rpower(inv(), `${f.node.generic},${f.node['openbmc-rest']}`, ['on'], { wait: '5' });
    const r = await rpower(inv(), 'all', ['stat'], { expect: 'on', output: 'json' });
    expect(r.code).toBe(1);
    const failed = r.json!.results.filter((x) => !x.ok);
    expect(failed.map((x) => x.node).sort()).toEqual([f.node.idrac, f.node.ilo, f.node.bmcweb].sort());
    for (const x of failed) expect(x.error).toEqual({ kind: 'failed', message: 'state is off, expected on' });
    const ok = await rpower(inv(), `${f.node.generic},${f.node['openbmc-rest']}`, ['stat'], { expect: 'on' });
    expect(ok.code).toBe(0);
  });

  it('stat --expect on --wait waits for nodes another client is powering on', async () => {
    f.sim.admin.power(`${f.node.idrac},${f.node.ilo},${f.node.bmcweb}`, 'On');
    const r = await rpower(inv(), 'all', ['stat'], { expect: 'on', wait: '5' });
    expect(r.code).toBe(0);
    for (const n of f.all) expect(r.byNode.get(n)).toMatch(/^on \(/);
  });

  it('bmcstate prints BMC Ready; bmcreboot --wait comes back Ready after the reboot', async () => {
    const s = await rpower(inv(), 'all', ['bmcstate']);
    expect(s.code).toBe(0);
    for (const n of f.all) expect(s.byNode.get(n)).toBe('BMC Ready');
    const before = Object.fromEntries(f.all.map((n) => [n, f.sim.machine(n).bmcReboots()]));
    const started = Date.now();
    const r = await rpower(inv(), 'all', ['bmcreboot'], { wait: '10', output: 'json' });
    expect(r.json!.results.filter((x) => !x.ok)).toEqual([]);
    expect(r.code).toBe(0);
    expect(Date.now() - started).toBeGreaterThanOrEqual(2500);
    for (const x of r.json!.results)
      expect(x.value).toMatchObject({ state: 'BMC Ready', verb: 'bmcreboot', changed: true });
    for (const n of f.all) expect(f.sim.machine(n).bmcReboots()).toBe(before[n]! + 1);
    const actions = Object.fromEntries(r.json!.results.map((x) => [x.node, x.value!.action]));
    expect(actions[f.node.idrac]).toBe('GracefulRestart'); // iDRAC allows only GracefulRestart
    expect(actions[f.node.generic]).toBe('ForceRestart');
    expect(actions[f.node['openbmc-rest']]).toBe('BMC Reboot');
  });

  it('bmcreboot without --wait prints BMC reboot; bmcstate --wait waits for Ready', async () => {
    const r = await rpower(inv(), f.node.generic, ['bmcreboot']);
    expect(r.code).toBe(0);
    expect(r.byNode.get(f.node.generic)).toBe('BMC reboot');
    const s = await rpower(inv(), f.node.generic, ['bmcstate'], { wait: '10' });
    expect(s.code).toBe(0);
    expect(s.byNode.get(f.node.generic)).toMatch(/^BMC Ready \(\d+\.\d s\)$/);
    expect(f.sim.machine(f.node.generic).bmcReady()).toBe(true);
  });
});
