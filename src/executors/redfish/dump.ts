/**
 * BMC dumps on Redfish: only where the Manager offers a LogService with `LogService.CollectDiagnosticData`
 * (bmcweb's `Managers/bmc/LogServices/Dump`). That path is not implemented yet; until then every dump
 * operation says whether the BMC offers it at all, so the admin knows which it is. GARD is POWER firmware
 * state that Redfish does not expose: unsupported, with that reason.
 */
import { NodeError } from '../../core/errors.js';
import type { NodeContext } from '../../engine/executor.js';
import { redfishClient, isRecord } from '../../bmc/index.js';
import type { DumpEntry, DumpExecutor } from '../../managers/rspconfig-dump.js';

function odataId(v: unknown): string | undefined {
  return isRecord(v) && typeof v['@odata.id'] === 'string' ? v['@odata.id'] : undefined;
}

/** The Manager's LogService offering CollectDiagnosticData, if any. */
async function diagnosticService(ctx: NodeContext): Promise<string | undefined> {
  const client = await redfishClient(ctx);
  const manager = await client.manager();
  const services = odataId(manager.LogServices);
  if (!services) return undefined;
  const coll = await client.get(services);
  for (const m of Array.isArray(coll.Members) ? coll.Members : []) {
    const path = odataId(m);
    if (!path) continue;
    const doc = await client.get(path);
    if (isRecord(doc.Actions) && '#LogService.CollectDiagnosticData' in doc.Actions) return path;
  }
  return undefined;
}

async function unsupported(ctx: NodeContext): Promise<never> {
  const service = await diagnosticService(ctx);
  throw new NodeError(
    'unsupported',
    service
      ? `BMC dumps on Redfish (${service}, LogService.CollectDiagnosticData) are not implemented in hwctl yet`
      : "This BMC's Manager offers no LogService with LogService.CollectDiagnosticData: no BMC dump over Redfish",
  );
}

class RedfishDumpExecutor implements DumpExecutor {
  readonly capability = 'dump' as const;
  readonly flavor = 'redfish';

  listDumps(_args: undefined, ctx: NodeContext): Promise<DumpEntry[]> {
    return unsupported(ctx);
  }

  createDump(_args: undefined, ctx: NodeContext): Promise<number> {
    return unsupported(ctx);
  }

  clearDump(_args: { id: number | 'all' }, ctx: NodeContext): Promise<void> {
    return unsupported(ctx);
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
