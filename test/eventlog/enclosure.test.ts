/**
 * reventlog on a link-less enclosure (test/sim/redfish/derived-captures.ts) whose Managers list an
 * auxiliary controller without LogServices before the EnclosureManager that has the log: the log is
 * the EnclosureManager's, for every node, and ClearLog reaches it.
 */
import { describe, it, expect } from '@jest/globals';
import { useFleet } from '../helpers/sim-harness.js';
import { reventlog } from './harness.js';
import { NODES, linklessEnclosure, serveCapture } from '../sim/redfish/derived-captures.js';

const f = useFleet(() => serveCapture(linklessEnclosure()));
const LOG = '/redfish/v1/Managers/MultiBladeBMC/LogServices/Log';

describe('manager choice for logs', () => {
  it("every node lists the EnclosureManager's log entries (not 'no log')", async () => {
    const entries = f.copy.members(`${LOG}/Entries`).map((p) => f.copy.read(p));
    expect(entries.length).toBeGreaterThan(0);
    const r = await reventlog(f.sim.inventory, 'all', ['all']);
    expect(r.code).toBe(0);
    for (const n of NODES) {
      const lines = r.lines.get(`sim001-${n}`) ?? [];
      expect(lines).toHaveLength(entries.length);
      for (const e of entries) expect(lines.some((l) => l.includes(e.Message as string))).toBe(true);
    }
  });

  it('clear reaches the EnclosureManager log', async () => {
    const r = await reventlog(f.sim.inventory, 'sim001-Node0', ['clear']);
    expect(r.code).toBe(0);
    const after = await reventlog(f.sim.inventory, 'sim001-Node0', ['all']);
    // The captured entries are gone; what is left is the BMC's own "log cleared" record.
    const left = after.lines.get('sim001-Node0') ?? [];
    expect(left.filter((l) => !l.includes('LogCleared'))).toEqual([]);
  });
});
