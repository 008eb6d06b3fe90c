/**
 * BMC dumps on Redfish, where the Manager offers a LogService with `LogService.CollectDiagnosticData`
 * (bmcweb's `Managers/bmc/LogServices/Dump`): its Entries are the dumps (Id, Created,
 * AdditionalDataSizeBytes), CollectDiagnosticData `{"DiagnosticDataType": "Manager"}` starts one (a Task
 * on bmcweb, followed by the client; the new entry is the dump), DELETE of an entry or ClearLog removes
 * them, and each entry's AdditionalDataURI is the file. A Manager without such a service: unsupported,
 * said so. GARD is POWER firmware state that Redfish does not expose: unsupported, with that reason.
 */
import { NodeError } from '../../core/errors.js';
import type { NodeContext } from '../../engine/executor.js';
import { redfishClient, isRecord, type RedfishClient, type RedfishResource } from '../../bmc/index.js';
import { odataIdOf } from '../../bmc/redfish-topology.js';
import type { DumpEntry, DumpExecutor } from '../../managers/rspconfig-dump.js';

const COLLECT = 'LogService.CollectDiagnosticData';

/** The Manager's LogService offering CollectDiagnosticData, or the node's `unsupported` error. */
async function dumpService(ctx: NodeContext): Promise<{ client: RedfishClient; service: RedfishResource }> {
  const client = await redfishClient(ctx);
  const manager = await client.manager();
  const services = odataIdOf(manager.LogServices);
  if (services) {
    const coll = await client.get(services);
    for (const m of Array.isArray(coll.Members) ? coll.Members : []) {
      const path = odataIdOf(m);
      if (!path) continue;
      const doc = await client.get(path);
      if (isRecord(doc.Actions) && `#${COLLECT}` in doc.Actions) return { client, service: doc };
    }
  }
  throw new NodeError(
    'unsupported',
    `This BMC's Manager offers no LogService with ${COLLECT}: no BMC dump over Redfish`,
  );
}

async function entries(client: RedfishClient, service: RedfishResource): Promise<RedfishResource[]> {
  const path = odataIdOf(service.Entries);
  if (!path) return [];
  const coll = await client.get(path);
  const members = Array.isArray(coll.Members) ? coll.Members : [];
  // Entries may come inline (bmcweb) or as references.
  return Promise.all(members.map((m) => (isRecord(m) && 'Id' in m ? m : client.get(odataIdOf(m) ?? ''))));
}

/** Dump ids are numbers (xCAT's `-c ID`); an entry with another Id is not a dump hwctl can name. */
function idOf(e: RedfishResource): number | undefined {
  return typeof e.Id === 'string' && /^\d+$/.test(e.Id) ? Number(e.Id) : undefined;
}

async function entryById(
  ctx: NodeContext,
  id: number,
): Promise<{ client: RedfishClient; entry: RedfishResource }> {
  const { client, service } = await dumpService(ctx);
  const entry = (await entries(client, service)).find((e) => idOf(e) === id);
  if (!entry) throw new NodeError('failed', `Invalid dump ${id} was specified. Use -l option to list.`);
  return { client, entry };
}

class RedfishDumpExecutor implements DumpExecutor {
  readonly capability = 'dump' as const;
  readonly flavor = 'redfish';

  async listDumps(_args: undefined, ctx: NodeContext): Promise<DumpEntry[]> {
    const { client, service } = await dumpService(ctx);
    const out: DumpEntry[] = [];
    for (const e of await entries(client, service)) {
      const id = idOf(e);
      if (id === undefined) continue;
      const entry: DumpEntry = { id };
      const created = typeof e.Created === 'string' ? Date.parse(e.Created) : NaN;
      if (!Number.isNaN(created)) entry.generated = created;
      if (typeof e.AdditionalDataSizeBytes === 'number') entry.size = e.AdditionalDataSizeBytes;
      out.push(entry);
    }
    return out;
  }

  async createDump(_args: undefined, ctx: NodeContext): Promise<number | undefined> {
    const { client, service } = await dumpService(ctx);
    await client.action(service, COLLECT, { DiagnosticDataType: 'Manager' });
    return undefined; // the manager takes the entry that was not there before
  }

  async clearDump(args: { id: number | 'all' }, ctx: NodeContext): Promise<void> {
    if (args.id === 'all') {
      const { client, service } = await dumpService(ctx);
      await client.action(service, 'LogService.ClearLog', {});
      return;
    }
    const { client, entry } = await entryById(ctx, args.id);
    await client.delete(odataIdOf(entry)!);
  }

  async downloadDump(args: { id: number; file: string }, ctx: NodeContext): Promise<number> {
    const { client, entry } = await entryById(ctx, args.id);
    const uri = typeof entry.AdditionalDataURI === 'string' ? entry.AdditionalDataURI : undefined;
    if (!uri)
      throw new NodeError(
        'unsupported',
        `Dump ${args.id} has no AdditionalDataURI: the BMC offers no file for it`,
      );
    return client.download(uri, args.file);
  }

  clearGard(): Promise<void> {
    return Promise.reject(
      new NodeError(
        'unsupported',
        'gard -c is OpenBMC REST only: GARD records are POWER host firmware state that Redfish does not expose',
      ),
    );
  }
}

const executor: DumpExecutor = new RedfishDumpExecutor();
export default executor;
