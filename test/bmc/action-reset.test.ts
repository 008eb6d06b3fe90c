/**
 * An action whose connection breaks after it was sent may have been carried out: the error says so and
 * points at checking the state, instead of xCAT's "BMC did not respond ... retry" (which invites a
 * second power cycle). Against the simulator's reset fault on the action path only.
 */
import { describe, it, expect } from '@jest/globals';
import { NO_RESPONSE } from '../../src/bmc/errors.js';
import { startFleet, useFleet } from '../helpers/sim-harness.js';
import { rpower } from '../power/harness.js';

const fleet = useFleet(() => startFleet({ nodes: 2, personality: 'generic', initialPower: 'On' }));

describe('an action whose connection is reset', () => {
  it('rpower off: "may have been applied", not "did not respond"; the other node is done', async () => {
    const [victim, other] = fleet.sim.nodes.map((n) => n.name) as [string, string];
    fleet.sim.admin.setFaults({ reset: 1, pathPattern: 'ComputerSystem\\.Reset' }, victim);
    try {
      const r = await rpower(fleet.inventory, 'all', ['off'], { output: 'json' });
      expect(r.code).toBe(1);
      const byNode = Object.fromEntries(r.json!.results.map((x) => [x.node, x]));
      expect(byNode[other]).toMatchObject({ ok: true });
      const e = byNode[victim]!.error!;
      expect(e.kind).toBe('unreachable');
      expect(e.message).not.toContain(NO_RESPONSE);
      expect(e.message).toMatch(
        /^POST \/redfish\/v1\/Systems\/[^ ]+\/Actions\/ComputerSystem\.Reset: connection reset by 127\.0\.0\.1:\d+ after the request was sent: the action may have been applied\. Check the node's state \(e\.g\. `rpower \S+ stat`\) before retrying$/,
      );
    } finally {
      fleet.sim.admin.clearFaults();
    }
  });

  it('a read that keeps being reset is still "BMC did not respond" (nothing to apply)', async () => {
    const [victim] = fleet.sim.nodes.map((n) => n.name) as [string];
    fleet.sim.admin.setFaults({ reset: 1, pathPattern: '^/redfish/v1/Systems/[^/]+/?$' }, victim);
    try {
      const r = await rpower(fleet.inventory, victim, ['stat'], { output: 'json' });
      expect(r.json!.results[0]!.error!.message).toContain(`${NO_RESPONSE} (connection reset by`);
    } finally {
      fleet.sim.admin.clearFaults();
    }
  });
});
