/**
 * Firmware on Redfish: UpdateService's FirmwareInventory (list), and an update by, in this order of
 * preference, MultipartHttpPushUri (the image streamed in a form with `UpdateParameters` carrying
 * `@Redfish.OperationApplyTime`), HttpPushUri (the raw image, applied at once), or SimpleUpdate (the BMC
 * fetches an image URL the user gives). The update is a Task whose monitor (the 202's Location) is
 * followed. `-u` stages the image (apply time OnReset, multipart only); `-a ID` applies a staged image by
 * restarting its component (Manager.Reset for the BMC, ComputerSystem.Reset for the host) and then
 * watches the inventory entry; `--delete` is DELETE of the inventory entry.
 */
import { NodeError, isNodeError } from '../../core/errors.js';
import type { NodeContext } from '../../engine/executor.js';
import { redfishClient, isRecord, type RedfishClient, type RedfishResource } from '../../bmc/index.js';
import { nodeReader, readFirmwareInventory } from '../../bmc/redfish-read.js';
import { odataIdOf } from '../../bmc/redfish-topology.js';
import { multipartBody, rawBody } from '../../managers/firmware-image.js';
import type {
  FirmwareEntry,
  FirmwareExecutor,
  FlashPoll,
  FlashStarted,
  UploadArgs,
} from '../../managers/firmware.js';

const TASK_RUNNING = new Set(['New', 'Pending', 'Running', 'Starting', 'Stopping', 'Suspended', 'Service']);
const TASK_FAILED = new Set(['Exception', 'Killed', 'Cancelled', 'Interrupted']);

async function updateService(client: RedfishClient): Promise<RedfishResource> {
  const path = odataIdOf(client.root.UpdateService);
  if (!path)
    throw new NodeError('unsupported', 'This Redfish service has no UpdateService: no firmware update');
  return client.get(path);
}

function purposeOf(doc: RedfishResource): string {
  const words = [doc.Id, doc.Name, doc.SoftwareId, doc.Description]
    .filter((x) => typeof x === 'string')
    .join(' ');
  const related = Array.isArray(doc.RelatedItem)
    ? doc.RelatedItem.map((r) => odataIdOf(r) ?? '').join(' ')
    : '';
  if (/bmc|manager|idrac|ilo/i.test(words) || /\/Managers\//.test(related)) return 'BMC';
  if (/bios|host|system|pnor/i.test(words) || /\/Systems\//.test(related)) return 'Host';
  return typeof doc.Name === 'string' ? doc.Name.replace(/\s+/g, '') : 'Other';
}

/** An inventory entry in phosphor's words (Status.State → Activation). */
function entryOf(doc: RedfishResource): FirmwareEntry {
  const st = isRecord(doc.Status) ? doc.Status : {};
  const state = typeof st.State === 'string' ? st.State : '';
  const health = typeof st.Health === 'string' ? st.Health : 'OK';
  const functional = state === 'Enabled';
  const activation =
    state === 'Enabled' || state === 'StandbySpare'
      ? 'Active'
      : state === 'Updating'
        ? 'Activating'
        : health === 'Critical'
          ? 'Failed'
          : health === 'Warning'
            ? 'Invalid'
            : 'Ready';
  const path = odataIdOf(doc);
  return {
    id: typeof doc.Id === 'string' ? doc.Id : ((path ?? '').split('/').pop() ?? ''),
    purpose: purposeOf(doc),
    version: typeof doc.Version === 'string' ? doc.Version : '',
    activation,
    functional,
    pending: state === 'StandbySpare',
    ...(path ? { path } : {}),
  };
}

/** The node's firmware entries, in one read where the service expands (bmc/redfish-read.ts). */
async function inventory(ctx: NodeContext): Promise<FirmwareEntry[]> {
  return (await readFirmwareInventory(await nodeReader(ctx), true)).map(entryOf);
}

/** The entry `id` as the flow listed it, else as listed now; the calls act on its inventory member. */
async function entryFor(
  args: { id: string; entry?: FirmwareEntry },
  ctx: NodeContext,
  invalid: string,
): Promise<FirmwareEntry & { path: string }> {
  const e = args.entry?.id === args.id ? args.entry : (await inventory(ctx)).find((x) => x.id === args.id);
  if (!e?.path) throw new NodeError('failed', invalid);
  return { ...e, path: e.path };
}

class RedfishFirmwareExecutor implements FirmwareExecutor {
  readonly capability = 'firmware' as const;
  readonly flavor = 'redfish';

  async listFirmware(_args: undefined, ctx: NodeContext): Promise<FirmwareEntry[]> {
    return inventory(ctx);
  }

  async uploadImage(args: UploadArgs, ctx: NodeContext): Promise<FlashStarted> {
    const client = await redfishClient(ctx);
    const svc = await updateService(client);
    const img = args.image;
    const applyTime = args.activate ? 'Immediate' : 'OnReset';
    const multipart = typeof svc.MultipartHttpPushUri === 'string' ? svc.MultipartHttpPushUri : undefined;
    const push = typeof svc.HttpPushUri === 'string' ? svc.HttpPushUri : undefined;
    let res;
    if (img.kind === 'url') {
      const body = { ImageURI: img.url, '@Redfish.OperationApplyTime': applyTime };
      res = await client.action(svc, 'UpdateService.SimpleUpdate', body, { waitTask: false });
    } else if (multipart) {
      const params = { Targets: [], '@Redfish.OperationApplyTime': applyTime };
      res = await client.upload('POST', multipart, multipartBody(img, params, args.onProgress), {
        timeoutMs: args.timeoutMs,
      });
    } else if (push && args.activate) {
      res = await client.upload('POST', push, rawBody(img, args.onProgress), { timeoutMs: args.timeoutMs });
    } else if (push) {
      throw new NodeError(
        'unsupported',
        'This BMC applies pushed images at once (HttpPushUri, no MultipartHttpPushUri for an OnReset apply time): use -a FILE to update',
      );
    } else {
      throw new NodeError(
        'unsupported',
        'This BMC takes no pushed image (no MultipartHttpPushUri or HttpPushUri): give an image URL for SimpleUpdate (-a https://server/image)',
      );
    }
    const monitor = res.location ?? (isRecord(res.body) ? odataIdOf(res.body) : undefined);
    const started: FlashStarted = {};
    if (monitor && (res.status === 202 || typeof res.body?.TaskState === 'string')) started.monitor = monitor;
    if (img.kind === 'file' && img.version) started.version = img.version;
    if (img.kind === 'file' && img.purpose) started.purpose = img.purpose;
    if (!started.monitor && args.activate)
      throw new NodeError('protocol', `The update was accepted (${res.status}) without a task to follow`);
    return started;
  }

  async activateImage(
    args: { id: string; entry?: FirmwareEntry },
    ctx: NodeContext,
  ): Promise<FlashStarted & { apply?: 'BMC' | 'Host' }> {
    const e = await entryFor(
      args,
      ctx,
      'Invalid ID provided to activate. Use the -l option to view valid firmware IDs.',
    );
    // followed through its inventory entry
    const target: FlashStarted = { id: args.id, version: e.version, monitor: e.path };
    if (e.functional) return target;
    // Redfish has no "activate image": a staged image applies when its component restarts, which the
    // flow does as rpower does (firmware-flow.ts).
    if (e.purpose === 'BMC' || e.purpose === 'Host')
      return { ...target, purpose: e.purpose, apply: e.purpose };
    throw new NodeError(
      'unsupported',
      `Image ${args.id} (${e.purpose}) is applied by the BMC itself; nothing to restart`,
    );
  }

  async pollFlash(args: { target: FlashStarted }, ctx: NodeContext): Promise<FlashPoll> {
    const t = args.target;
    if (!t.monitor) throw new NodeError('protocol', 'No task monitor to follow');
    const client = await redfishClient(ctx);
    let doc: RedfishResource;
    try {
      doc = await client.get(t.monitor);
    } catch (e) {
      if (isNodeError(e) && e.status === 404)
        // Some monitors vanish once the task ended; the inventory says how it went.
        return { state: 'Completed (monitor gone)', done: true };
      throw e;
    }
    if (typeof doc.TaskState !== 'string') {
      // An inventory entry (`-a ID`): done when it runs.
      const e = entryOf(doc);
      if (e.activation === 'Failed')
        return { state: 'Failed', done: true, failed: `image ${e.id} failed to apply` };
      return e.functional
        ? { state: 'Enabled', percent: 100, done: true, id: e.id }
        : { state: e.activation, done: false, id: e.id };
    }
    const state = doc.TaskState;
    const percent = typeof doc.PercentComplete === 'number' ? doc.PercentComplete : undefined;
    const out: FlashPoll = {
      state,
      done: !TASK_RUNNING.has(state),
      ...(percent !== undefined ? { percent } : {}),
    };
    if (TASK_FAILED.has(state) || (out.done && doc.TaskStatus === 'Critical')) {
      const messages = Array.isArray(doc.Messages) ? doc.Messages : [];
      const text = messages
        .map((m) => (isRecord(m) && typeof m.Message === 'string' ? m.Message : ''))
        .filter(Boolean)
        .join(' ');
      out.failed = `Task ${typeof doc.Id === 'string' ? doc.Id : t.monitor} ended ${state}${text ? `: ${text}` : ''}`;
    }
    return out;
  }

  async deleteImage(args: { id: string; entry?: FirmwareEntry }, ctx: NodeContext): Promise<void> {
    const { path } = await entryFor(
      args,
      ctx,
      'Invalid ID provided to delete.  Use the -l option to view valid firmware IDs.',
    );
    const client = await redfishClient(ctx);
    try {
      await client.delete(path);
    } catch (e) {
      if (isNodeError(e) && (e.status === 405 || e.status === 501))
        throw new NodeError(
          'unsupported',
          `This BMC does not delete firmware images (${e.message})`,
          e.status,
        );
      throw e;
    }
  }
}

const executor: FirmwareExecutor = new RedfishFirmwareExecutor();
export default executor;
