/**
 * Firmware on OpenBMC REST (reference §2.9), as xCAT's Perl rflash: GET software/enumerate (list), PUT
 * the tar to /upload/image (streamed, application/octet-stream), PUT <id>/attr/RequestedActivation Active,
 * poll <id> (Activation, Progress), then Priority 0 once Active when it is not, POST <id>/action/Delete.
 * The image id: the upload's answer when it names one, else the entry whose Version is the MANIFEST's
 * (xCAT polls enumerate for it).
 */
import { NodeError, isNodeError } from '../../core/errors.js';
import type { NodeContext } from '../../engine/executor.js';
import { openbmcClient, isRecord } from '../../bmc/index.js';
import { rawBody } from '../../managers/firmware-image.js';
import { sleep } from '../../managers/poll.js';
import type {
  FirmwareEntry,
  FirmwareExecutor,
  FlashPoll,
  FlashStarted,
  UploadArgs,
} from '../../managers/firmware.js';
import { lastComponent } from './power.js';

const SOFTWARE = '/xyz/openbmc_project/software';
const REQUESTED_ACTIVE = 'xyz.openbmc_project.Software.Activation.RequestedActivations.Active';

function entries(data: unknown): FirmwareEntry[] {
  if (!isRecord(data))
    throw new NodeError(
      'protocol',
      'Received wrong format response: software/enumerate is not an object map',
    );
  const functional = new Set<string>();
  const f = data[`${SOFTWARE}/functional`];
  if (isRecord(f) && Array.isArray(f.endpoints)) for (const p of f.endpoints) functional.add(String(p));
  const out: FirmwareEntry[] = [];
  for (const [path, props] of Object.entries(data)) {
    const m = /\/software\/([0-9a-fA-F]+)$/.exec(path);
    if (!m || !isRecord(props) || typeof props.Version !== 'string') continue;
    const activation = lastComponent(props.Activation) || 'Unknown';
    const isFunctional = functional.has(path);
    out.push({
      id: m[1]!,
      purpose: lastComponent(props.Purpose) || 'Unknown',
      version: props.Version,
      activation,
      functional: isFunctional,
      pending: !isFunctional && activation === 'Active' && props.Priority === 0,
      ...(typeof props.Progress === 'number' ? { progress: props.Progress } : {}),
    });
  }
  return out;
}

class OpenBmcFirmwareExecutor implements FirmwareExecutor {
  readonly capability = 'firmware' as const;
  readonly flavor = 'openbmc';

  async listFirmware(_args: undefined, ctx: NodeContext): Promise<FirmwareEntry[]> {
    const client = await openbmcClient(ctx);
    return entries(await client.get(`${SOFTWARE}/enumerate`));
  }

  async uploadImage(args: UploadArgs, ctx: NodeContext): Promise<FlashStarted> {
    const img = args.image;
    if (img.kind !== 'file')
      throw new NodeError(
        'unsupported',
        'OpenBMC REST takes the image itself (PUT /upload/image): give a file, not a URL (a URL is for Redfish SimpleUpdate)',
      );
    const client = await openbmcClient(ctx);
    let data: unknown;
    try {
      data = await client.upload('/upload/image', rawBody(img, args.onProgress), {
        timeoutMs: args.timeoutMs,
      });
    } catch (e) {
      if (isNodeError(e) && e.kind !== 'timeout' && e.kind !== 'unreachable')
        throw new NodeError('failed', `Failed to upload update file ${img.path} : ${e.message}`, e.status);
      throw e;
    }
    const started: FlashStarted = {};
    if (img.version) started.version = img.version;
    if (img.purpose) started.purpose = img.purpose;
    if (typeof data === 'string' && /^[0-9a-f]{8}$/i.test(data)) started.id = data;
    else {
      // The answer names no id: find the image by the MANIFEST's version (6 tries, 1 s apart).
      if (!img.version)
        throw new NodeError(
          'protocol',
          `Uploaded ${img.name}, but it has no MANIFEST version to find its image id by`,
        );
      for (let i = 0; i < 6 && !started.id; i++) {
        const found = (await this.listFirmware(undefined, ctx)).find((e) => e.version === img.version);
        if (found) started.id = found.id;
        else if (i < 5) await sleep(1000, ctx.signal);
      }
      if (!started.id)
        throw new NodeError(
          'failed',
          `Uploaded ${img.name}, but no image with version ${img.version} is listed`,
        );
    }
    return started;
  }

  async activateImage(args: { id: string }, ctx: NodeContext): Promise<FlashStarted> {
    const client = await openbmcClient(ctx);
    try {
      await client.put(`${SOFTWARE}/${args.id}/attr/RequestedActivation`, REQUESTED_ACTIVE);
    } catch (e) {
      if (isNodeError(e) && (e.status === 403 || e.status === 404))
        throw new NodeError(
          'failed',
          `Invalid ID provided to activate. Use the -l option to view valid firmware IDs. (${e.message})`,
          e.status,
        );
      throw e;
    }
    return { id: args.id };
  }

  async pollFlash(args: { target: FlashStarted }, ctx: NodeContext): Promise<FlashPoll> {
    const id = args.target.id;
    if (!id) throw new NodeError('protocol', 'No image id to follow');
    const client = await openbmcClient(ctx);
    const props = await client.get(`${SOFTWARE}/${id}`);
    if (!isRecord(props)) throw new NodeError('protocol', `Received wrong format response: software/${id}`);
    const activation = lastComponent(props.Activation);
    const percent = typeof props.Progress === 'number' ? props.Progress : undefined;
    const base = { state: activation, ...(percent !== undefined ? { percent } : {}) };
    if (activation === 'Failed' || activation === 'Invalid')
      return { ...base, done: true, failed: `activation of image ${id} ended ${activation}` };
    if (activation === 'Active') {
      // Make it boot next (Perl xCAT; Python's `false` breaks on OP940, so an integer).
      if (props.Priority !== 0) await client.put(`${SOFTWARE}/${id}/attr/Priority`, 0);
      return { ...base, percent: 100, done: true };
    }
    return { ...base, done: false };
  }

  async deleteImage(args: { id: string }, ctx: NodeContext): Promise<void> {
    const client = await openbmcClient(ctx);
    try {
      await client.post(`${SOFTWARE}/${args.id}/action/Delete`, []);
    } catch (e) {
      if (isNodeError(e) && e.status === 404)
        throw new NodeError(
          'failed',
          'Invalid ID provided to delete.  Use the -l option to view valid firmware IDs.',
          404,
        );
      throw e;
    }
  }
}

const executor: FirmwareExecutor = new OpenBmcFirmwareExecutor();
export default executor;
