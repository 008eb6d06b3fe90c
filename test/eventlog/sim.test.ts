/**
 * reventlog end to end against the simulator over HTTPS: every Redfish personality (generic, idrac, ilo,
 * bmcweb-like openbmc) and the OpenBMC REST flavor. Entries are checked against the simulated machines'
 * logs, request counts against the simulator's stats, and no session may stay open after a run.
 */
import { describe, it, expect } from '@jest/globals';
import type { LogEntry } from '../../src/sim/eventlog.js';
import { journalOf } from '../../src/sim/redfish/generated/journal.js';
import { endpoints, requestsMatching, startKindFleet, useFleet, type Kind } from '../helpers/sim-harness.js';
import { reventlog } from './harness.js';
import { localStamp } from './stamp.js';

const f = useFleet(() => startKindFleet({ logEntries: 3 }));

const inv = () => f.sim.inventory;

/** The LogService each personality keeps the machine's log in. */
const LOG_ID: Record<Exclude<Kind, 'openbmc-rest'>, string> = {
  generic: 'Log',
  idrac: 'Sel',
  ilo: 'IML',
  bmcweb: 'EventLog',
};

function kindOf(node: string): Kind {
  return (Object.keys(f.node) as Kind[]).find((k) => f.node[k] === node)!;
}

/** The line reventlog should print for a machine entry, written from the entry itself. */
function expectedLine(node: string, e: LogEntry, pid?: string): string {
  const kind = kindOf(node);
  const stamp = localStamp(e.created);
  const resolved = e.resolved ? 'True' : 'False';
  if (kind === 'openbmc-rest') {
    const led = e.additionalData.some((d) => d.startsWith('CALLOUT')) ? ' [LED]' : '';
    return `${stamp} [${e.id}]: ${e.message} (PID: ${pid}), Resolved: ${resolved}${led}`;
  }
  return `${stamp} [${LOG_ID[kind]}/${e.id}]: (${e.severity}) ${e.message} (MessageId: ${e.messageId}), Resolved: ${resolved}`;
}

/** The simulator's OpenBMC REST frontend reports `_PID=<1000 + id % 900>`. */
const simPid = (id: number) => String(1000 + (id % 900));

function expectedLines(node: string, entries: LogEntry[]): string[] {
  return entries.map((e) => expectedLine(node, e, simPid(e.id)));
}

/**
 * bmcweb's Manager also has its BMC journal (dated at the BMC's boot, before the host's events): reventlog
 * lists it with the rest, oldest first.
 */
function journalLines(node: string): string[] {
  if (kindOf(node) !== 'bmcweb') return [];
  return journalOf(f.sim.machine(node)).map(
    (e) => `${localStamp(e.created)} [Journal/${e.id}]: (OK) ${e.message}`,
  );
}

const entryRequests = (node: string) =>
  Object.entries(endpoints(f.sim, node))
    .filter(([k]) => /Entries|logging\/enumerate/.test(k))
    .reduce((a, [, v]) => a + v, 0);

describe('reventlog on every kind of BMC', () => {
  it("lists every entry, oldest first, with the machine's own times, severities, ids and messages", async () => {
    const r = await reventlog(inv(), 'all', []);
    expect(r.code).toBe(0);
    for (const n of f.all) {
      const log = f.sim.machine(n).log.list();
      expect(log.length).toBeGreaterThanOrEqual(3);
      expect(r.lines.get(n)).toEqual([...journalLines(n), ...expectedLines(n, log)]);
    }
  });

  it("pages through many entries (nextLink), keeping the BMC's order where times disagree with it", async () => {
    // fillLog backdates its entries, so they interleave in time with the three already there.
    f.sim.admin.fillLog('all', 300);
    f.sim.admin.resetStats();
    const all = await reventlog(inv(), 'all', ['all']);
    expect(all.code).toBe(0);
    for (const n of f.all) {
      const log = f.sim.machine(n).log.list();
      expect(log.length).toBeGreaterThan(300);
      expect(all.lines.get(n)).toEqual([...journalLines(n), ...expectedLines(n, log)]);
    }
    // Page sizes: generic and idrac 50, ilo 40, bmcweb 1000; OpenBMC REST has one enumerate.
    const pages = (k: Kind, size: number) => Math.ceil(f.sim.machine(f.node[k]).log.size / size);
    expect(entryRequests(f.node.generic)).toBe(pages('generic', 50));
    expect(entryRequests(f.node.idrac)).toBe(pages('idrac', 50));
    expect(entryRequests(f.node.ilo)).toBe(pages('ilo', 40));
    // bmcweb: one page of EventLog, one of the Manager's Journal.
    expect(entryRequests(f.node.bmcweb)).toBe(2);
    expect(entryRequests(f.node['openbmc-rest'])).toBe(1);

    // The first page's order is unclear here, so `N` reads everything and keeps the BMC's order.
    const five = await reventlog(inv(), 'all', ['5']);
    for (const n of f.all)
      expect(five.lines.get(n)).toEqual(expectedLines(n, f.sim.machine(n).log.list().slice(-5)));
  });

  it('reads only what `N` needs: first page, then a $skip jump to the newest N, however long the log', async () => {
    for (const n of f.all) {
      const log = f.sim.machine(n).log;
      log.clear();
      log.fill(400);
    }
    f.sim.admin.resetStats();
    const five = await reventlog(inv(), 'all', ['5']);
    expect(five.code).toBe(0);
    for (const n of f.all)
      expect(five.lines.get(n)).toEqual(expectedLines(n, f.sim.machine(n).log.list().slice(-5)));
    for (const k of ['generic', 'idrac', 'ilo'] as const) {
      expect(entryRequests(f.node[k])).toBe(2);
      expect(Object.keys(endpoints(f.sim, f.node[k])).some((e) => /Entries/.test(e))).toBe(true);
    }
    expect(entryRequests(f.node.bmcweb)).toBe(2); // EventLog and Journal, one page each

    const json = await reventlog(inv(), f.node.ilo, ['3'], { output: 'json' });
    const v = json.json!.results[0]!.value!;
    expect(v.count).toBe(3);
    expect(v.total).toBe(400);
    expect(v.logs).toEqual([
      expect.objectContaining({ id: 'IML', owner: 'System', clearable: true, selected: true, entries: 400 }),
    ]);
    const entries = v.entries as Array<Record<string, unknown>>;
    const last = f.sim.machine(f.node.ilo).log.list().at(-1)!;
    expect(entries.at(-1)).toEqual({
      id: `IML/${last.id}`,
      log: 'IML',
      // The simulator's Created has whole seconds.
      time: new Date(Math.floor(last.created / 1000) * 1000).toISOString(),
      created: expect.any(String),
      message: last.message,
      messageId: last.messageId,
      severity: last.severity,
      entryType: 'Oem',
      resolved: false,
    });
  });

  it("-s lists the newest first on Redfish; OpenBMC refuses -s with xCAT's message, the others still answer", async () => {
    const r = await reventlog(inv(), 'all', ['4'], { sort: true });
    expect(r.code).toBe(1);
    expect(r.errors.get(f.node['openbmc-rest'])).toBe('The -s option is not supported for OpenBMC.');
    for (const n of f.redfish)
      expect(r.lines.get(n)).toEqual(expectedLines(n, f.sim.machine(n).log.list().slice(-4).reverse()));
  });

  it('--log picks Redfish logs by Id or Name; an unknown name lists what the BMC has', async () => {
    const ok = await reventlog(inv(), f.node.idrac, ['2'], { log: ['sel log service'] });
    expect(ok.code).toBe(0);
    expect(ok.lines.get(f.node.idrac)).toHaveLength(2);
    const bad = await reventlog(inv(), `${f.node.idrac},${f.node['openbmc-rest']}`, ['2'], {
      log: ['Lclog'],
    });
    expect(bad.code).toBe(1);
    expect(bad.errors.get(f.node.idrac)).toBe('No log service named Lclog on this BMC (it has: Sel)');
    expect(bad.errors.get(f.node['openbmc-rest'])).toMatch(/^--log selects Redfish LogServices/);
  });

  it('clear empties every log (ClearLog / DeleteAll) and a read back shows it', async () => {
    f.sim.admin.resetStats();
    const r = await reventlog(inv(), 'all', ['clear']);
    expect(r.code).toBe(0);
    for (const k of ['generic', 'idrac', 'ilo', 'bmcweb'] as const)
      expect(r.lines.get(f.node[k])).toEqual([`Logs cleared: ${LOG_ID[k]}`]);
    expect(r.lines.get(f.node['openbmc-rest'])).toEqual(['Logs cleared']);
    expect(
      endpoints(f.sim, f.node['openbmc-rest'])['POST /xyz/openbmc_project/logging/action/DeleteAll'],
    ).toBe(1);
    for (const k of ['generic', 'idrac', 'ilo', 'bmcweb'] as const)
      expect(Object.keys(endpoints(f.sim, f.node[k])).filter((e) => /^POST .*ClearLog/.test(e))).toHaveLength(
        1,
      );

    const after = await reventlog(inv(), 'all', []);
    expect(after.code).toBe(0);
    // phosphor-logging keeps nothing; the Redfish BMCs keep the one "log cleared" entry they add.
    expect(after.lines.get(f.node['openbmc-rest'])).toEqual(['No attributes returned from the BMC.']);
    for (const n of f.redfish) {
      const log = f.sim.machine(n).log.list();
      expect(log.map((e) => e.messageId)).toEqual(['HwctlSim.1.0.LogCleared']);
      expect(after.lines.get(n)).toEqual([...journalLines(n), ...expectedLines(n, log)]);
    }
  });

  it('OpenBMC resolve: one enumerate, one PUT per id; already resolved and unknown ids said so', async () => {
    const n = f.node['openbmc-rest'];
    const m = f.sim.machine(n);
    const a = m.addLog('Warning', 'HwctlSim.1.0.Test', 'first');
    const b = m.addLog('Critical', 'HwctlSim.1.0.Test', 'second');
    f.sim.admin.resetStats();
    const r = await reventlog(inv(), n, [`resolved=${a.id},${b.id}`]);
    expect(r.code).toBe(0);
    expect(r.lines.get(n)).toEqual([`Resolved ${a.id}`, `Resolved ${b.id}`]);
    expect(m.log.get(a.id)!.resolved).toBe(true);
    expect(m.log.get(b.id)!.resolved).toBe(true);
    expect(endpoints(f.sim, n)).toMatchObject({
      'GET /xyz/openbmc_project/logging/enumerate': 1,
      'PUT /xyz/openbmc_project/logging/entry/{n}/attr/Resolved': 2,
    });

    const again = await reventlog(inv(), n, [`resolved=${a.id},999`]);
    expect(again.code).toBe(1);
    expect(again.errors.get(n)).toBe('Invalid ID: 999');
    const listed = await reventlog(inv(), n, ['2']);
    expect(listed.lines.get(n)).toEqual(expectedLines(n, [m.log.get(a.id)!, m.log.get(b.id)!]));
  });

  it('OpenBMC resolved=LED resolves the unresolved entries with a callout, and says when there are none', async () => {
    const n = f.node['openbmc-rest'];
    const m = f.sim.machine(n);
    const plain = m.addLog('Warning', 'HwctlSim.1.0.Test', 'no callout');
    const tagged = m.log.add({
      severity: 'Critical',
      message: 'xyz.openbmc_project.Inventory.Error.NotPresent',
      messageId: 'HwctlSim.1.0.Test',
      additionalData: [
        'CALLOUT_INVENTORY_PATH=/xyz/openbmc_project/inventory/system/chassis/motherboard/cpu0',
      ],
    });
    const listed = await reventlog(inv(), n, ['1']);
    expect(listed.lines.get(n)).toEqual([
      `${localStamp(tagged.created)} [${tagged.id}]: xyz.openbmc_project.Inventory.Error.NotPresent||/xyz/openbmc_project/inventory/system/chassis/motherboard/cpu0 (PID: ${simPid(tagged.id)}), Resolved: False [LED]`,
    ]);
    const r = await reventlog(inv(), n, ['resolved=LED']);
    expect(r.code).toBe(0);
    expect(r.lines.get(n)).toEqual([`Resolved ${tagged.id}`]);
    expect(m.log.get(tagged.id)!.resolved).toBe(true);
    expect(m.log.get(plain.id)!.resolved).toBe(false);
    const none = await reventlog(inv(), n, ['resolved=LED']);
    expect(none.code).toBe(1);
    expect(none.errors.get(n)).toBe('No event log entries needed to be resolved');
  });

  it('Redfish resolve PATCHes Resolved on the entry it finds (generic, bmcweb); the machine log shows it', async () => {
    for (const kind of ['generic', 'bmcweb'] as const) {
      const node = f.node[kind];
      const e = f.sim.machine(node).addLog('Warning', 'HwctlSim.1.0.Test', 'to resolve');
      f.sim.admin.resetStats();
      const r = await reventlog(inv(), node, [`resolved=${LOG_ID[kind]}/${e.id}`]);
      expect({ kind, code: r.code, lines: r.lines.get(node) }).toEqual({
        kind,
        code: 0,
        lines: [`Resolved ${LOG_ID[kind]}/${e.id}`],
      });
      expect(f.sim.machine(node).log.get(e.id)!.resolved).toBe(true);
      // A named log costs one GET of the entry before the PATCH; bmcweb answers the PATCH with 204, so
      // the entry is read back once more to see Resolved.
      expect(requestsMatching(f.sim, node, /^GET .*\/Entries\/[^/]+$/)).toBe(kind === 'bmcweb' ? 2 : 1);
      expect(requestsMatching(f.sim, node, /^PATCH .*\/Entries\/[^/]+$/)).toBe(1);
      const again = await reventlog(inv(), node, [`resolved=${LOG_ID[kind]}/${e.id}`]);
      expect(again.code).toBe(0);
      expect(again.lines.get(node)).toEqual([
        `Not resolving already resolved eventlog ID ${LOG_ID[kind]}/${e.id}`,
      ]);
    }
  });

  it('a BMC that keeps Resolved to itself (iDRAC SEL: 405) fails that node only, as unsupported', async () => {
    const e = f.sim.machine(f.node.idrac).addLog('Warning', 'HwctlSim.1.0.Test', 'to resolve');
    const r = await reventlog(inv(), f.node.idrac, [`resolved=Sel/${e.id}`], { output: 'json' });
    expect(r.code).toBe(1);
    expect(r.json!.results[0]!.error).toEqual({
      kind: 'unsupported',
      message: expect.stringMatching(new RegExp(`^Sel/${e.id}: \\[405\\] `)),
    });
    expect(f.sim.machine(f.node.idrac).log.get(e.id)!.resolved).toBe(false);
    const missing = await reventlog(inv(), f.node.idrac, ['resolved=99999']);
    expect(missing.code).toBe(1);
    expect(missing.errors.get(f.node.idrac)).toBe('Invalid ID: 99999');
  });

  it('resolved=LED on Redfish and a resolve over several nodes are refused clearly', async () => {
    const r = await reventlog(inv(), f.node.ilo, ['resolved=LED']);
    expect(r.code).toBe(1);
    expect(r.errors.get(f.node.ilo)).toMatch(/^resolved=LED selects OpenBMC entries/);
    await expect(reventlog(inv(), 'all', ['resolved=1'])).rejects.toThrow(
      'Resolving faults over a xCAT noderange is not recommended.',
    );
  });
});
