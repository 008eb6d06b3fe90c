/**
 * rflash's per-node flows (the arguments, executor interface and view are in firmware.ts):
 *
 *  - every step that changes the node takes the node's lock and is journaled (firmware-state.ts): what
 *    was sent, the task monitor or image id, the last state and percent, in `<node>.json`, and a log;
 *  - uploads wait for one of --upload-fanout slots shared by the run (a BMC upload is large);
 *  - a started update is followed by polls until it ends or the run's --deadline passes: a BMC that
 *    stops answering (it reboots, as bmcweb does after a BMC image) is polled again with a fresh login,
 *    and a node that never finishes fails with its last known state;
 *  - nothing that was sent is sent again: an upload or activation that timed out fails the node, which
 *    says to check with -l or --status.
 */
import { NodeError, isNodeError } from '../core/errors.js';
import { findExecutor } from '../executors/registry.js';
import type { Executor, NodeContext } from '../engine/executor.js';
import { requireOps } from './executor-ops.js';
import { sleep } from './poll.js';
import { runPower, type PowerArgs, type PowerExecutor } from './power.js';
import { RenewableContext } from './renewable-context.js';
import { imageLabel, type FirmwareImageSource, type LocalImage } from './firmware-image.js';
import { FlashJournal, lockNode, readRecord, type FlashRecord, type FlashTarget } from './firmware-state.js';
import type {
  FirmwareEntry,
  FirmwareExecutor,
  FlashArgs,
  FlashPoll,
  FlashResult,
  FlashStarted,
} from './firmware.js';

/** xCAT's `-l` table. */
export function listLines(entries: readonly FirmwareEntry[]): string[] {
  const lines = ['ID       Purpose State      Version', '-'.repeat(55)];
  const order = (e: FirmwareEntry) => `${e.purpose === 'BMC' ? 0 : 1}-${e.id}`;
  for (const e of [...entries].sort((a, b) => order(a).localeCompare(order(b)))) {
    const state = `${e.activation}${e.functional ? '(*)' : e.pending ? '(+)' : ''}`;
    lines.push(`${e.id.padEnd(8)} ${e.purpose.padEnd(7)} ${state.padEnd(10)} ${e.version}`);
  }
  if (!entries.some((e) => e.functional))
    lines.push('WARNING, The current firmware is unable to detect running firmware version.');
  lines.push('');
  return lines;
}

// ------------------------------------------------------------------------------------------- run-wide

/** Upload slots shared by the nodes of one run (keyed by its arguments object). */
class Slots {
  private free: number;
  private readonly waiting: Array<() => void> = [];
  constructor(n: number) {
    this.free = n;
  }
  async take(signal: AbortSignal): Promise<() => void> {
    if (this.free > 0) this.free--;
    else
      await new Promise<void>((resolve, reject) => {
        const go = () => {
          signal.removeEventListener('abort', stop);
          resolve();
        };
        const stop = () => {
          const i = this.waiting.indexOf(go);
          if (i >= 0) this.waiting.splice(i, 1);
          reject(signal.reason instanceof Error ? signal.reason : new Error('aborted'));
        };
        this.waiting.push(go);
        signal.addEventListener('abort', stop, { once: true });
      });
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.waiting.shift();
      if (next) next();
      else this.free++;
    };
  }
}

interface RunShared {
  slots: Slots;
  /** Nodes interrupted while the BMC was still working (one warning for all, with the resume command). */
  interrupted: string[];
  warnScheduled: boolean;
}

const runs = new WeakMap<FlashArgs, RunShared>();
function shared(args: FlashArgs): RunShared {
  let s = runs.get(args);
  if (!s) {
    s = { slots: new Slots(args.uploadFanout), interrupted: [], warnScheduled: false };
    runs.set(args, s);
  }
  return s;
}

// ------------------------------------------------------------------------------------------- helpers

function ops(executor: Executor): FirmwareExecutor {
  return requireOps<FirmwareExecutor>(executor, 'firmware', [
    'listFirmware',
    'uploadImage',
    'activateImage',
    'pollFlash',
    'deleteImage',
  ]);
}

async function powerOps(ctx: NodeContext): Promise<PowerExecutor> {
  const ex = await findExecutor('power', ctx.flavor);
  if (!ex)
    throw new NodeError(
      'unsupported',
      `No power executor for flavor ${ctx.flavor}: cannot restart the BMC or host`,
    );
  return requireOps<PowerExecutor>(ex, 'power', ['getState', 'setState', 'getBmcState', 'rebootBmc']);
}

/** A failure a rebooting or busy BMC gives: poll again (with a fresh login) until the deadline. */
function transient(e: unknown, ctx: NodeContext): boolean {
  if (ctx.signal.aborted || !isNodeError(e)) return false;
  if (e.kind === 'unreachable' || e.kind === 'timeout') return true;
  if (e.status !== undefined && [401, 502, 503, 504].includes(e.status)) return true;
  return e.kind === 'auth' && /expired|session/i.test(e.message);
}

const seconds = (ms: number) => Math.max(0, Math.round(ms / 1000));

class Flash {
  readonly journal: FlashJournal | undefined;
  private lastProgress = '';

  /** What executors are handed: its BMC clients are made again (a new login) after a BMC reboot. */
  readonly ctx: NodeContext;
  private readonly client: RenewableContext;

  constructor(
    readonly ex: FirmwareExecutor,
    readonly args: FlashArgs,
    node: NodeContext,
    journal?: FlashJournal,
  ) {
    this.journal = journal;
    this.client = new RenewableContext(node);
    this.ctx = this.client.ctx;
  }

  /** The next request logs in afresh (a rebooting BMC ended the sessions, or refuses the old one). */
  renew(): void {
    this.client.renew();
  }

  get node(): string {
    return this.ctx.node.name;
  }

  remaining(): number {
    return this.args.deadlineAt - Date.now();
  }

  progress(state: string): void {
    if (state === this.lastProgress) return;
    this.lastProgress = state;
    this.ctx.services.progress?.(this.node, state);
  }

  log(line: string): void {
    this.journal?.log(line);
  }

  deadlineError(what: string, last: string): NodeError {
    return new NodeError(
      'timeout',
      `${what} did not finish within the --deadline of ${seconds(this.args.deadlineMs)} s (last state: ${last}); the BMC may still complete it: rflash ${this.node} --status`,
    );
  }

  /** Send an image (one upload slot, the deadline as its timeout); never sent twice. */
  async upload(image: FirmwareImageSource, activate: boolean): Promise<FlashStarted> {
    const label = imageLabel(image);
    this.progress('waiting to upload');
    const release = await shared(this.args).slots.take(this.ctx.signal);
    try {
      if (this.remaining() <= 0)
        throw this.deadlineError(`The upload of ${label}`, 'waiting for an upload slot');
      this.journal?.save({ phase: 'uploading' });
      this.log(`uploading ${image.kind === 'file' ? image.path : image.url}${activate ? ' (activate)' : ''}`);
      this.progress('uploading');
      let step = -1;
      const started = await this.ex.uploadImage(
        {
          image,
          activate,
          timeoutMs: this.remaining(),
          onProgress: (sent, total) => {
            const pct = total > 0 ? Math.floor((sent / total) * 10) * 10 : 0;
            if (pct !== step) {
              step = pct;
              this.progress(`uploading ${pct}%`);
            }
          },
        },
        this.ctx,
      );
      const version = started.version ?? (image.kind === 'file' ? image.version : undefined);
      const target: FlashTarget = { ...started, ...(version ? { version } : {}) };
      if (!target.purpose && image.kind === 'file' && image.purpose) target.purpose = image.purpose;
      this.journal?.save({ phase: 'uploaded', targets: [...(this.journal.record.targets ?? []), target] });
      this.log(`uploaded: ${JSON.stringify(target)}`);
      return target;
    } catch (e) {
      if (isNodeError(e) && e.kind === 'timeout' && !/--deadline/.test(e.message))
        throw new NodeError(
          'timeout',
          `${e.message}. The upload is not sent again: check with rflash ${this.node} -l`,
          e.status,
        );
      throw e;
    } finally {
      release();
    }
  }

  /** Follow a started flash until it ends; the journal keeps its state. */
  async follow(target: FlashTarget, what: string): Promise<FlashPoll> {
    let last = target.state ?? 'started';
    this.journal?.save({ phase: 'activating' });
    for (;;) {
      if (this.remaining() <= 0) throw this.deadlineError(what, last);
      let p: FlashPoll;
      try {
        p = await this.ex.pollFlash({ target }, this.ctx);
      } catch (e) {
        if (!transient(e, this.ctx)) throw e;
        last = `BMC not answering (${e instanceof Error ? e.message : String(e)})`;
        this.log(`poll: ${last}`);
        this.progress('activating: BMC not answering');
        this.renew();
        await sleep(Math.min(this.args.pollMs, Math.max(1, this.remaining())), this.ctx.signal);
        continue;
      }
      if (p.id && !target.id) target.id = p.id;
      const changed = p.state !== target.state || p.percent !== target.percent;
      target.state = p.state;
      if (p.percent !== undefined) target.percent = p.percent;
      last = p.percent !== undefined ? `${p.state} ${p.percent}%` : p.state;
      if (changed) {
        this.journal?.save({});
        this.log(`${what}: ${last}`);
      }
      // Shown in 10 % steps: a fleet's plain progress lines stay readable (the journal keeps the exact one).
      this.progress(
        p.percent !== undefined
          ? `activating ${Math.floor(p.percent / 10) * 10}%`
          : `activating (${p.state})`,
      );
      if (p.done) {
        if (p.failed) throw new NodeError('failed', p.failed);
        return p;
      }
      await sleep(Math.min(this.args.pollMs, Math.max(1, this.remaining())), this.ctx.signal);
    }
  }

  /**
   * A power verb within the deadline, as rpower runs it (src/managers/power.ts: transient errors ridden
   * out with a fresh login, a rebooted BMC's Ready counted only once it was seen down). Its own time limit
   * is what is left of --deadline; reaching that is rflash's deadline error, with the --status hint.
   */
  private async power(power: PowerExecutor, args: PowerArgs, what: string): Promise<void> {
    try {
      await runPower(power, { pollIntervalMs: this.args.pollMs, ...args }, this.ctx);
    } catch (e) {
      if (this.remaining() <= 0 && isNodeError(e) && e.kind === 'failed')
        throw this.deadlineError(what, e.message);
      throw e;
    } finally {
      // rpower's own fresh logins were on its clients: rflash's next request logs in afresh as well.
      this.renew();
      // rpower reported its own states (BMC NotReady, BMC Ready): rflash's next one is shown again.
      this.lastProgress = '';
    }
  }

  /**
   * Wait until the BMC is Ready, within the deadline. `reboot`: ask for the reboot first and count Ready
   * only once the BMC was seen down, as `rpower bmcreboot --wait` does. Without: the BMC may be rebooting
   * on its own (an activation that resets it, bmcweb after a new BMC image) or not at all (OpenBMC REST
   * waits to be told), so Ready is taken as it comes, after a moment for a reboot to begin.
   */
  async bmcReady(power: PowerExecutor, reboot: boolean): Promise<void> {
    this.progress('rebooting-bmc');
    if (reboot) this.log('BMC reboot');
    else await sleep(Math.min(this.args.pollMs, 1000), this.ctx.signal);
    const waitMs = Math.max(1, this.remaining());
    await this.power(
      power,
      reboot ? { verb: 'bmcreboot', waitMs } : { verb: 'bmcstate', waitMs, bmcMayRestart: true },
      'The BMC reboot',
    );
  }

  /**
   * Restart the component a staged image waits for: the BMC as `rpower bmcreboot --wait` (a reboot request
   * the BMC drops is the reboot happening), the host as `rpower boot` (on when off, a restart when on).
   */
  async restartToApply(power: PowerExecutor, component: 'BMC' | 'Host'): Promise<void> {
    if (component === 'BMC') return this.bmcReady(power, true);
    this.log('host: boot');
    await this.power(power, { verb: 'boot' }, 'Restarting the host');
  }

  /** Host off, wait until off, on (xCAT's `-d` end), as `rpower off --wait` then `rpower on`. */
  async restartHost(power: PowerExecutor): Promise<void> {
    this.journal?.save({ phase: 'restarting-host' });
    this.progress('restarting-host');
    this.log('host: off');
    await this.power(power, { verb: 'off', waitMs: Math.max(1, this.remaining()) }, 'Powering the host off');
    this.log('host: on');
    await this.power(power, { verb: 'on' }, 'Powering the host on');
  }
}

// ------------------------------------------------------------------------------------------- flows

export async function runFlash(executor: Executor, args: FlashArgs, ctx: NodeContext): Promise<FlashResult> {
  const ex = ops(executor);
  switch (args.op) {
    case 'list':
      return withList(await ex.listFirmware(undefined, ctx));
    case 'check':
      return check(ex, args, ctx);
    case 'status':
      return status(ex, args, ctx);
    default:
      return locked(ex, args, ctx);
  }
}

function withList(firmware: FirmwareEntry[]): FlashResult {
  return { op: 'list', firmware, lines: listLines(firmware) };
}

async function check(ex: FirmwareExecutor, args: FlashArgs, ctx: NodeContext): Promise<FlashResult> {
  const firmware = await ex.listFirmware(undefined, ctx);
  const lines: string[] = [];
  const img = args.image;
  if (img?.kind === 'file')
    lines.push(
      `TAR ${img.purpose ?? 'BMC'} Firmware Product Version: ${img.version ?? '(no MANIFEST version)'}`,
    );
  for (const e of firmware.filter((f) => f.functional || f.pending || f.activation === 'Active'))
    lines.push(
      `${e.purpose} Firmware Product: ${e.version} (${e.activation})${e.functional ? '*' : e.pending ? '+' : ''}`,
    );
  return { op: 'check', firmware, lines };
}

/** The operations that change the node: under its lock, journaled, interrupted ones announced. */
async function locked(ex: FirmwareExecutor, args: FlashArgs, ctx: NodeContext): Promise<FlashResult> {
  const release = lockNode(ctx.node.name);
  ctx.defer(release);
  const image = args.image ?? args.bmcImage;
  const journal = new FlashJournal(
    ctx.node.name,
    {
      flavor: ctx.flavor,
      op: `${args.flag}${args.id ? ` ${args.id}` : ''}`,
      ...(image ? { image: image.kind === 'file' ? image.path : image.url } : {}),
      ...(image?.kind === 'file' ? { sha256: image.sha256 } : {}),
      phase: 'uploading',
      targets: [],
    },
    (m) => ctx.services.warn(m),
  );
  const f = new Flash(ex, args, ctx, journal);
  f.log(`rflash ${args.flag} started by process ${process.pid}`);
  const onAbort = () => announceInterrupted(args, ctx, journal.record);
  ctx.signal.addEventListener('abort', onAbort, { once: true });
  try {
    const result = await flows[args.op as keyof typeof flows](f);
    journal.save({ phase: 'done' });
    f.log(`done: ${result.lines.join(' | ')}`);
    return result;
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    if (ctx.signal.aborted) f.log(`interrupted in phase ${journal.record.phase}`);
    else if (isNodeError(e) && e.kind === 'timeout' && /--deadline/.test(message)) {
      // The BMC may still finish: the phase stays, so --status resumes following it.
      journal.save({ error: message });
      f.log(`deadline: ${message}`);
    } else {
      journal.save({ phase: 'failed', error: message });
      f.log(`failed: ${message}`);
    }
    throw e;
  } finally {
    ctx.signal.removeEventListener('abort', onAbort);
  }
}

function announceInterrupted(args: FlashArgs, ctx: NodeContext, record: FlashRecord): void {
  if (!['uploaded', 'activating', 'rebooting-bmc', 'restarting-host'].includes(record.phase)) return;
  const s = shared(args);
  s.interrupted.push(ctx.node.name);
  if (s.warnScheduled) return;
  s.warnScheduled = true;
  setImmediate(() => {
    const nodes = s.interrupted.join(',');
    ctx.services.warn(
      `rflash interrupted while ${s.interrupted.length} node(s) were updating (${nodes.length > 200 ? nodes.slice(0, 199) + '…' : nodes}): their BMCs carry on. Follow them with: rflash ${nodes.length > 200 ? 'NODERANGE' : nodes} --status`,
    );
  });
}

/** The BMC's firmware entry `id`, or the node fails with `invalid` (xCAT's message for the option). */
async function entryById(f: Flash, id: string, invalid: string) {
  const entry = (await f.ex.listFirmware(undefined, f.ctx)).find((e) => e.id === id);
  if (!entry) throw new NodeError('failed', invalid);
  return entry;
}

const flows = {
  upload: async (f: Flash): Promise<FlashResult> => {
    const t = await f.upload(f.args.image!, false);
    return {
      op: 'upload',
      changed: true,
      targets: [t],
      lines: ['Firmware upload successful. Use -l option to list.'],
    };
  },

  activate: async (f: Flash): Promise<FlashResult> => {
    const t = await updateOne(f, f.args.image!);
    return {
      op: 'activate',
      changed: true,
      targets: [t],
      lines: [
        `Firmware upload successful. Attempting to activate firmware: ${t.version ?? imageLabel(f.args.image!)} (ID: ${t.id ?? 'pending'})`,
        `Firmware ${t.version ?? imageLabel(f.args.image!)} activation successful.`,
      ],
    };
  },

  'activate-id': async (f: Flash): Promise<FlashResult> => {
    const id = f.args.id!;
    // xCAT's message, its spacing included.
    const entry = await entryById(
      f,
      id,
      'Invalid ID provided to activate. Use the -l option to view valid firmware IDs.',
    );
    f.progress('activating');
    const { apply, ...started } = await f.ex.activateImage({ id, entry }, f.ctx);
    const target: FlashTarget = { id, version: entry.version, ...started };
    if (entry.purpose === 'BMC' || entry.purpose === 'Host') target.purpose = entry.purpose;
    f.journal?.save({ phase: 'activating', targets: [target] });
    if (apply) await f.restartToApply(await powerOps(f.ctx), apply);
    await f.follow(target, `Firmware ${entry.version}`);
    return {
      op: 'activate-id',
      changed: true,
      targets: [target],
      lines: [`Firmware activation successful.`],
    };
  },

  delete: async (f: Flash): Promise<FlashResult> => {
    const id = f.args.id!;
    const entry = await entryById(
      f,
      id,
      'Invalid ID provided to delete.  Use the -l option to view valid firmware IDs.',
    );
    if (entry.functional && entry.purpose === 'BMC')
      throw new NodeError('failed', 'Deleting currently active BMC firmware is not supported');
    if (entry.functional) {
      const power = await (await powerOps(f.ctx)).getState(undefined, f.ctx);
      if (power.phase !== 'off')
        throw new NodeError(
          'failed',
          'Deleting currently active firmware on powered on host is not supported',
        );
    }
    f.log(`deleting ${id}`);
    await f.ex.deleteImage({ id, entry }, f.ctx);
    return {
      op: 'delete',
      changed: true,
      targets: [{ id, version: entry.version }],
      lines: ['Firmware removed'],
    };
  },

  directory: async (f: Flash): Promise<FlashResult> => {
    const power = await powerOps(f.ctx);
    const bmc = await updateOne(f, f.args.bmcImage!);
    const host = await updateOne(f, f.args.hostImage!);
    const lines = [
      `Firmware ${bmc.version ?? f.args.bmcImage!.name} activation successful.`,
      `Firmware ${host.version ?? f.args.hostImage!.name} activation successful.`,
    ];
    // A Redfish BMC may already be rebooting on its own (bmcweb does after a BMC image): wait for it,
    // then reboot it ourselves unless the new BMC image already runs.
    f.journal?.save({ phase: 'rebooting-bmc' });
    await f.bmcReady(power, false);
    const running = (await f.ex.listFirmware(undefined, f.ctx)).find(
      (e) => e.purpose === 'BMC' && e.functional,
    );
    if (running?.version !== bmc.version) await f.bmcReady(power, true);
    lines.push('BMC Ready');
    if (f.args.hostReboot) {
      await f.restartHost(power);
      lines.push('Host restarted');
    }
    return { op: 'directory', changed: true, targets: [bmc, host], lines };
  },
};

/** Upload and activate one image, followed to its end: Redfish (a task) and OpenBMC (upload, activation). */
async function updateOne(f: Flash, image: FirmwareImageSource | LocalImage): Promise<FlashTarget> {
  const started = await f.upload(image, true);
  const label = started.version ?? imageLabel(image);
  let target = started as FlashTarget;
  if (!started.monitor) {
    if (!started.id) throw new NodeError('protocol', `The BMC did not name the image it stored for ${label}`);
    f.log(`activating ${started.id}`);
    const act = await f.ex.activateImage({ id: started.id }, f.ctx);
    target = { ...started, ...act };
    const targets = (f.journal?.record.targets ?? []).map((t) => (t.id === started.id ? target : t));
    f.journal?.save({ targets });
  }
  // The journal's object is followed (its state and percent are saved as they change).
  const inJournal = f.journal?.record.targets.find(
    (t) => t === target || (t.id && t.id === target.id && t.monitor === target.monitor),
  );
  try {
    await f.follow(inJournal ?? target, `Firmware ${label}`);
  } catch (e) {
    if (isNodeError(e) && e.kind === 'failed')
      throw new NodeError('failed', `Firmware ${label} activation failed. (${e.message})`);
    throw e;
  }
  return inJournal ?? target;
}

/** `--status`: the node's record, and what its BMC says now for the flashes not finished. */
async function status(ex: FirmwareExecutor, args: FlashArgs, ctx: NodeContext): Promise<FlashResult> {
  const record = readRecord(ctx.node.name);
  if (!record) return { op: 'status', lines: ['No rflash recorded for this node'] };
  const open = record.targets.filter(
    (t) => (t.monitor || t.id) && !['Completed', 'Active'].includes(t.state ?? ''),
  );
  const describe = (t: FlashTarget) =>
    `${t.version ?? t.id ?? t.monitor}: ${t.state ?? 'unknown'}${t.percent !== undefined ? ` ${t.percent}%` : ''}`;
  if (
    record.phase === 'done' ||
    record.phase === 'failed' ||
    open.length === 0 ||
    record.phase === 'uploading'
  ) {
    const lines = [
      `rflash ${record.op} ${record.phase} at ${record.updated}${record.error ? `: ${record.error}` : ''}`,
    ];
    if (record.phase === 'uploading')
      lines.push('The upload did not complete: nothing to follow; run the command again');
    for (const t of record.targets) lines.push(describe(t));
    // Every image applied, then the run stopped in its BMC reboot or host restart (deadline, Ctrl-C).
    const hint = stoppedInPower(record, ctx.node.name);
    if (hint) lines.push(hint);
    if (record.phase === 'failed') throw new NodeError('failed', lines.join('; '));
    return { op: 'status', lines, targets: record.targets };
  }
  // Resume: follow the open targets, recording as the first run did (a new journal over the same record),
  // under the node's lock: a flash still running elsewhere, or a second --status, must not write it too.
  ctx.defer(lockNode(ctx.node.name));
  const journal = new FlashJournal(ctx.node.name, { ...record }, (m) => ctx.services.warn(m));
  const f = new Flash(ex, args, ctx, journal);
  f.log(`--status: resuming from phase ${record.phase} (process ${record.pid})`);
  try {
    for (const t of journal.record.targets) {
      if (!(t.monitor || t.id) || ['Completed', 'Active'].includes(t.state ?? '')) continue;
      await f.follow(t, `Firmware ${t.version ?? t.id ?? ''}`);
    }
  } catch (e) {
    if (!ctx.signal.aborted)
      journal.save({ phase: 'failed', error: e instanceof Error ? e.message : String(e) });
    throw e;
  }
  journal.save({
    phase: record.phase === 'activating' || record.phase === 'uploaded' ? 'done' : record.phase,
  });
  const lines = journal.record.targets.map((t) => `Firmware ${t.version ?? t.id} activation successful.`);
  const hint = stoppedInPower(record, ctx.node.name);
  if (hint) lines.push(hint);
  return { op: 'status', lines, targets: journal.record.targets };
}

/** What to say of a run that stopped in its BMC reboot or host restart; undefined for any other phase. */
function stoppedInPower(record: FlashRecord, node: string): string | undefined {
  if (record.phase !== 'rebooting-bmc' && record.phase !== 'restarting-host') return undefined;
  return `The run stopped while ${record.phase}: check the node with rpower ${node} stat / bmcstate`;
}
