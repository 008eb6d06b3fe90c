/**
 * BMC dumps and GARD on OpenBMC REST (reference §2.8): GET dump/enumerate (entries with Size and Elapsed,
 * epoch seconds), POST dump/action/CreateDump [] → the new id, POST dump/entry/<id>/action/Delete [] or
 * dump/action/DeleteAll [], GET /download/dump/<id> (the file), POST /org/open_power/control/gard/action/Reset [].
 */
import { readFile, rm } from 'node:fs/promises';
import { NodeError, isNodeError } from '../../core/errors.js';
import type { NodeContext } from '../../engine/executor.js';
import { openbmcClient, isRecord } from '../../bmc/index.js';
import type { DumpEntry, DumpExecutor } from '../../managers/rspconfig-dump.js';

const DUMP = '/xyz/openbmc_project/dump';

class OpenBmcDumpExecutor implements DumpExecutor {
  readonly capability = 'dump' as const;
  readonly flavor = 'openbmc';

  async listDumps(_args: undefined, ctx: NodeContext): Promise<DumpEntry[]> {
    const client = await openbmcClient(ctx);
    let data: unknown;
    try {
      data = await client.get(`${DUMP}/enumerate`);
    } catch (e) {
      // No dump yet: phosphor answers 404 for an empty namespace on some firmware.
      if (isNodeError(e) && e.status === 404) return [];
      throw e;
    }
    if (!isRecord(data))
      throw new NodeError('protocol', 'Received wrong format response: dump/enumerate is not an object map');
    const out: DumpEntry[] = [];
    for (const [path, props] of Object.entries(data)) {
      const m = /\/dump\/entry\/(\d+)$/.exec(path);
      if (!m) continue;
      const p = isRecord(props) ? props : {};
      const entry: DumpEntry = { id: Number(m[1]) };
      if (typeof p.Elapsed === 'number') entry.generated = p.Elapsed * 1000;
      if (typeof p.Size === 'number') entry.size = p.Size;
      out.push(entry);
    }
    return out;
  }

  async createDump(_args: undefined, ctx: NodeContext): Promise<number> {
    const client = await openbmcClient(ctx);
    const id = await client.post(`${DUMP}/action/CreateDump`, []);
    if (typeof id !== 'number' && !(typeof id === 'string' && /^\d+$/.test(id)))
      throw new NodeError(
        'protocol',
        `Received wrong format response: CreateDump returned ${JSON.stringify(id)}`,
      );
    return Number(id);
  }

  async clearDump(args: { id: number | 'all' }, ctx: NodeContext): Promise<void> {
    const client = await openbmcClient(ctx);
    await client.post(
      args.id === 'all' ? `${DUMP}/action/DeleteAll` : `${DUMP}/entry/${args.id}/action/Delete`,
      [],
    );
  }

  /**
   * GET /download/dump/<id> (application/octet-stream). Some firmware answers an unknown id with a 200
   * whose body is `Path not found` (xCAT checks for it): that file is removed and the id reported.
   */
  async downloadDump(args: { id: number; file: string }, ctx: NodeContext): Promise<number> {
    const client = await openbmcClient(ctx);
    const bytes = await client.download(`/download/dump/${args.id}`, args.file);
    if (bytes < 64 && (await readFile(args.file, 'utf8')).includes('Path not found')) {
      await rm(args.file, { force: true });
      throw new NodeError('failed', `Invalid dump ${args.id} was specified. Use -l option to list.`);
    }
    return bytes;
  }

  async clearGard(_args: undefined, ctx: NodeContext): Promise<void> {
    const client = await openbmcClient(ctx);
    await client.post('/org/open_power/control/gard/action/Reset', []);
  }
}

const executor: DumpExecutor = new OpenBmcDumpExecutor();
export default executor;
