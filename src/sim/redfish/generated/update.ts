/**
 * UpdateService (FirmwareInventory, SimpleUpdate, multipart and raw pushes) and TaskService of a
 * generated BMC. Every update runs as a machine firmware job, shown as a Task with a task monitor.
 */
import { FirmwareError, type ApplyTime, type FirmwareImage, type UpdateJob } from '../../firmware.js';
import { isObject, isoTime, strings, type JsonObject } from '../json.js';
import { multipartBoundary, parseMultipart } from '../multipart.js';
import type { Router } from '../router.js';
import { parseJsonBody, type RequestContext } from '../tree.js';
import type { SimResponse } from '../../types.js';
import { collection, ROOT, type Gen } from './context.js';

const UPDATE = `${ROOT}/UpdateService`;
const INVENTORY = `${UPDATE}/FirmwareInventory`;
const TASKS = `${ROOT}/TaskService/Tasks`;
const MONITORS = `${ROOT}/TaskService/TaskMonitors`;
const SIMPLE_UPDATE = `${UPDATE}/Actions/UpdateService.SimpleUpdate`;
const PROTOCOLS = ['HTTP', 'HTTPS', 'FTP', 'SFTP', 'SCP', 'TFTP', 'NFS', 'CIFS'];
export const MAX_IMAGE_BYTES = 419_430_400;

function updateServiceDoc(g: Gen): JsonObject {
  const doc: JsonObject = {
    '@odata.id': g.u(UPDATE),
    '@odata.type': '#UpdateService.v1_11_0.UpdateService',
    Id: 'UpdateService',
    Name: 'Update Service',
    Description: 'Service for Software Update',
    ServiceEnabled: true,
    Status: { State: 'Enabled', Health: 'OK' },
    FirmwareInventory: g.link(INVENTORY),
    MaxImageSizeBytes: MAX_IMAGE_BYTES,
  };
  const u = g.p.update;
  if (u.httpPushUri) doc.HttpPushUri = u.httpPushUri;
  if (u.multipartUri) doc.MultipartHttpPushUri = u.multipartUri;
  if (u.simpleUpdate)
    doc.Actions = {
      '#UpdateService.SimpleUpdate': {
        target: g.u(SIMPLE_UPDATE),
        'TransferProtocol@Redfish.AllowableValues': [...PROTOCOLS],
      },
    };
  return doc;
}

function imageState(img: FirmwareImage): JsonObject {
  if (img.functional) return { State: 'Enabled', Health: 'OK' };
  switch (img.activation) {
    case 'Activating':
      return { State: 'Updating', Health: 'OK' };
    case 'Active':
      return { State: 'StandbySpare', Health: 'OK' };
    case 'Failed':
      return { State: 'Disabled', Health: 'Critical' };
    case 'Invalid':
      return { State: 'Disabled', Health: 'Warning' };
    default:
      return { State: 'Disabled', Health: 'OK' };
  }
}

function inventoryDoc(g: Gen, img: FirmwareImage): JsonObject {
  return {
    '@odata.id': g.u(`${INVENTORY}/${img.id}`),
    '@odata.type': '#SoftwareInventory.v1_2_0.SoftwareInventory',
    Id: img.id,
    Name: img.purpose === 'BMC' ? 'BMC Firmware' : 'BIOS Firmware',
    Description: img.purpose === 'BMC' ? 'BMC image' : 'Host image',
    Version: img.version,
    SoftwareId: img.purpose === 'BMC' ? 'BMC' : 'BIOS',
    Updateable: true,
    Status: imageState(img),
    RelatedItem: [g.link(img.purpose === 'BMC' ? g.mgr : g.sys)],
    'RelatedItem@odata.count': 1,
  };
}

export function taskDoc(g: Gen, job: UpdateJob): JsonObject {
  const doc: JsonObject = {
    '@odata.id': g.u(`${TASKS}/${job.id}`),
    '@odata.type': '#Task.v1_4_3.Task',
    Id: job.id,
    Name: job.name,
    TaskState: job.state,
    TaskStatus: job.state === 'Exception' ? 'Critical' : 'OK',
    PercentComplete: job.percent,
    StartTime: isoTime(job.startTime),
    TaskMonitor: `${MONITORS}/${job.id}`,
    Messages: job.messages.map((m) => ({
      MessageId: m.messageId,
      Message: m.message,
      MessageArgs: [],
      Severity: m.severity,
      MessageSeverity: m.severity,
    })),
  };
  if (job.endTime !== undefined) doc.EndTime = isoTime(job.endTime);
  return doc;
}

function accepted(g: Gen, job: UpdateJob): SimResponse {
  return {
    status: 202,
    headers: { 'Content-Type': 'application/json; charset=utf-8', Location: `${MONITORS}/${job.id}` },
    body: taskDoc(g, job),
  };
}

/** The file name SimpleUpdate would download (the simulator never fetches it). */
function imageName(g: Gen, uri: string, protocol: string | undefined): string {
  const action = '#UpdateService.SimpleUpdate';
  let path = uri;
  if (URL.canParse(uri)) {
    const url = new URL(uri);
    const scheme = url.protocol.replace(/:$/, '').toUpperCase();
    if (protocol === undefined && !PROTOCOLS.includes(scheme))
      throw g.errors.error('ActionParameterValueFormatError', [uri, 'ImageURI', action]);
    path = url.pathname;
  } else if (protocol === undefined) {
    // Not a URL: allowed as host/path only when TransferProtocol says how to fetch it.
    throw g.errors.error('ActionParameterValueFormatError', [uri, 'ImageURI', action]);
  }
  const name = path
    .split('/')
    .filter((s) => s !== '')
    .pop();
  if (!name) throw g.errors.error('ActionParameterValueFormatError', [uri, 'ImageURI', action]);
  try {
    return decodeURIComponent(name);
  } catch {
    return name;
  }
}

function simpleUpdate(g: Gen, ctx: RequestContext): SimResponse {
  const action = '#UpdateService.SimpleUpdate';
  const body = parseJsonBody(ctx);
  if (!isObject(body)) throw g.errors.error('MalformedJSON');
  for (const [k, v] of Object.entries(body)) {
    if (
      ![
        'ImageURI',
        'TransferProtocol',
        'Targets',
        'Username',
        'Password',
        '@Redfish.OperationApplyTime',
      ].includes(k)
    )
      throw g.errors.error('ActionParameterUnknown', [action, k]);
    if (k === 'Targets' ? !Array.isArray(v) : typeof v !== 'string')
      throw g.errors.error('ActionParameterValueTypeError', [
        k === 'Password' ? '******' : JSON.stringify(v),
        k,
        action,
      ]);
  }
  const uri = body.ImageURI;
  if (typeof uri !== 'string') throw g.errors.error('ActionParameterMissing', [action, 'ImageURI']);
  const protocol = typeof body.TransferProtocol === 'string' ? body.TransferProtocol : undefined;
  if (protocol !== undefined && !PROTOCOLS.includes(protocol))
    throw g.errors.error('ActionParameterValueNotInList', [protocol, 'TransferProtocol', action]);
  const name = imageName(g, uri, protocol);
  return accepted(
    g,
    g.m.firmware.startUpdate(undefined, name, applyTimeOf(g, body['@Redfish.OperationApplyTime'])),
  );
}

/** `@Redfish.OperationApplyTime`: Immediate (default) or OnReset (staged until the component restarts). */
function applyTimeOf(g: Gen, v: unknown): ApplyTime {
  if (v === undefined || v === 'Immediate') return 'Immediate';
  if (v === 'OnReset') return 'OnReset';
  throw g.errors.error('PropertyValueNotInList', [String(v), '@Redfish.OperationApplyTime']);
}

/** MultipartHttpPushUri (form parts `UpdateParameters` and `UpdateFile`) or a raw HttpPushUri body. */
function push(g: Gen, ctx: RequestContext): SimResponse {
  const type = ctx.req.headers['content-type'];
  const boundary = multipartBoundary(Array.isArray(type) ? type[0] : type);
  if (boundary === undefined) {
    if (!g.p.update.httpPushUri || ctx.path !== g.p.update.httpPushUri.replace(/\/+$/, ''))
      throw g.errors.error('PropertyValueFormatError', [String(type ?? ''), 'Content-Type']);
    return accepted(g, g.m.firmware.startUpdate(ctx.req.body, undefined));
  }
  let parts;
  try {
    parts = parseMultipart(ctx.req.body, boundary);
  } catch (e) {
    throw g.errors.error('PropertyValueFormatError', [
      e instanceof Error ? e.message : String(e),
      'multipart body',
    ]);
  }
  const params = parts.find((p) => p.name === 'UpdateParameters');
  let applyTime: ApplyTime = 'Immediate';
  if (params) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(params.data.toString('utf8')) as unknown;
    } catch {
      throw g.errors.error('MalformedJSON');
    }
    if (!isObject(parsed)) throw g.errors.error('MalformedJSON');
    const targets = parsed.Targets;
    if (
      targets !== undefined &&
      (!Array.isArray(targets) || strings(parsed, 'Targets')?.length !== targets.length)
    )
      throw g.errors.error('PropertyValueTypeError', [JSON.stringify(targets), 'Targets']);
    applyTime = applyTimeOf(g, parsed['@Redfish.OperationApplyTime']);
  }
  const file = parts.find((p) => p.name === 'UpdateFile');
  if (!file) throw g.errors.error('PropertyMissing', ['UpdateFile']);
  return accepted(g, g.m.firmware.startUpdate(file.data, file.filename, applyTime));
}

function taskServiceDoc(g: Gen): JsonObject {
  return {
    '@odata.id': g.u(`${ROOT}/TaskService`),
    '@odata.type': '#TaskService.v1_1_4.TaskService',
    Id: 'TaskService',
    Name: 'Task Service',
    ServiceEnabled: true,
    DateTime: isoTime(g.m.clock.now()),
    CompletedTaskOverWritePolicy: 'Oldest',
    LifeCycleEventOnTaskStateChange: true,
    Status: { State: 'Enabled', Health: 'OK' },
    Tasks: g.link(TASKS),
  };
}

export function addUpdateRoutes(r: Router, g: Gen): void {
  const fw = () => g.m.firmware;
  r.node(UPDATE, () => ({ get: () => updateServiceDoc(g) }));
  r.node(INVENTORY, () => ({
    get: () =>
      collection(
        g,
        INVENTORY,
        'SoftwareInventoryCollection',
        'Software Inventory Collection',
        fw()
          .list()
          .map((i) => `${INVENTORY}/${i.id}`),
      ),
  }));
  r.add(`${INVENTORY}/:id`, ({ id }) => {
    const img = fw().get(id ?? '');
    if (!img) return undefined;
    return {
      get: () => inventoryDoc(g, fw().get(img.id) ?? img),
      // A staged or spare image can be removed; the running one cannot (409, as bmcweb).
      delete: () => {
        try {
          fw().delete(img.id);
        } catch (e) {
          if (e instanceof FirmwareError && e.kind === 'conflict') throw g.errors.error('ResourceInUse');
          throw e;
        }
        return { status: 204 };
      },
    };
  });
  if (g.p.update.simpleUpdate) r.node(SIMPLE_UPDATE, () => ({ post: (ctx) => simpleUpdate(g, ctx) }));
  const pushUris = new Set([g.p.update.multipartUri, g.p.update.httpPushUri].filter((x): x is string => !!x));
  for (const uri of pushUris) r.node(uri.replace(/\/+$/, ''), () => ({ post: (ctx) => push(g, ctx) }));

  r.node(`${ROOT}/TaskService`, () => ({ get: () => taskServiceDoc(g) }));
  r.node(TASKS, () => ({
    get: () =>
      collection(
        g,
        TASKS,
        'TaskCollection',
        'Task Collection',
        fw()
          .listJobs()
          .map((j) => `${TASKS}/${j.id}`),
      ),
  }));
  r.add(`${TASKS}/:id`, ({ id }) => {
    const job = fw().job(id ?? '');
    return job ? { get: () => taskDoc(g, fw().job(job.id) ?? job) } : undefined;
  });
  // Task monitor: 202 while the task runs, then 200 with the finished Task.
  r.add(`${MONITORS}/:id`, ({ id }) => {
    const job = fw().job(id ?? '');
    if (!job) return undefined;
    const current = () => fw().job(job.id) ?? job;
    return {
      get: () => taskDoc(g, current()),
      getStatus: () => (['New', 'Pending', 'Running'].includes(current().state) ? 202 : 200),
    };
  });
}
