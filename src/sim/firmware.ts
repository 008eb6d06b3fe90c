/**
 * Firmware images and update jobs of one virtual server.
 *
 * Model (close to phosphor-software-manager, and rich enough for Redfish's FirmwareInventory and
 * Tasks): every image has a purpose (BMC or Host firmware = BIOS), an activation state and a
 * priority (0 boots next). An activated image becomes *functional* (the running version) only when
 * its component restarts: BMC images at the next BMC reboot, Host images at the next host boot.
 *
 * What counts as an image (documented in docs/simulator.md):
 *  - content with a phosphor MANIFEST (`version=...`, `purpose=...BMC|Host|System`), anywhere in the
 *    bytes (an uncompressed tar is fine); or, without content, a file name like `bmc-2.15.0.tar`,
 *    `bios_1.9.2.bin`, `host-v3.1.tar`;
 *  - an image is *bad* (upload accepted, activation fails) when its content contains
 *    `HWCTL-SIM-BAD-IMAGE` or its name contains `bad` or `corrupt`.
 */
import { createHash } from 'node:crypto';
import type { SimClock, SimTimer } from './clock.js';

export type FirmwarePurpose = 'BMC' | 'Host';
export type ActivationState = 'Ready' | 'Activating' | 'Active' | 'Failed' | 'Invalid';
/** `Pending`: staged with apply time OnReset, waiting for its component's restart. */
export type JobState = 'New' | 'Pending' | 'Running' | 'Completed' | 'Exception';
export type ApplyTime = 'Immediate' | 'OnReset';

export interface FirmwareImage {
  /** First 8 hex digits of sha512(version), as phosphor-software-manager names images. */
  id: string;
  purpose: FirmwarePurpose;
  version: string;
  activation: ActivationState;
  /** 0 = boots next; larger = later. */
  priority: number;
  /** Running now. */
  functional: boolean;
  /** Activation progress, percent. */
  progress: number;
  /** When the image arrived (ms epoch). */
  created: number;
  /** Why activation failed, if it did. */
  failure?: string;
}

export interface JobMessage {
  messageId: string;
  message: string;
  severity: 'OK' | 'Warning' | 'Critical';
}

export interface UpdateJob {
  /** Small integer as a string (Redfish Task ids are strings). */
  id: string;
  name: string;
  state: JobState;
  percent: number;
  startTime: number;
  endTime?: number;
  imageId?: string;
  purpose?: FirmwarePurpose;
  messages: JobMessage[];
}

export class FirmwareError extends Error {
  override name = 'FirmwareError';
  constructor(
    message: string,
    /** `invalid`: the request or image is unusable; `notFound`: no such image; `conflict`: not now. */
    readonly kind: 'invalid' | 'notFound' | 'conflict',
  ) {
    super(message);
  }
}

export const BAD_IMAGE_MARKER = 'HWCTL-SIM-BAD-IMAGE';

export interface ImageDescription {
  version: string;
  purpose: FirmwarePurpose;
  bad: boolean;
}

export function imageIdOf(version: string): string {
  return createHash('sha512').update(version).digest('hex').slice(0, 8);
}

function purposeOf(text: string): FirmwarePurpose | undefined {
  const t = text.toLowerCase();
  if (t.includes('bmc')) return 'BMC';
  if (t.includes('host') || t.includes('bios') || t.includes('system') || t.includes('pnor')) return 'Host';
  return undefined;
}

/** Reads version and purpose from a MANIFEST in the content, or else from the file name. */
export function describeImage(content: Buffer | undefined, name: string | undefined): ImageDescription {
  const text = content ? content.toString('latin1') : '';
  const nameBad = name !== undefined && /bad|corrupt/i.test(name);
  const bad = text.includes(BAD_IMAGE_MARKER) || nameBad;
  const version = /(?:^|[\n\0])version=([^\n\0]+)/.exec(text)?.[1]?.trim();
  const purposeLine = /(?:^|[\n\0])purpose=([^\n\0]+)/.exec(text)?.[1]?.trim();
  if (version) {
    return { version, purpose: (purposeLine && purposeOf(purposeLine.split('.').pop() ?? '')) || 'BMC', bad };
  }
  const base = (name ?? '').split(/[\\/]/).pop() ?? '';
  const m = /(bmc|bios|host|pnor|system)[-_.]?v?(\d+(?:\.\d+)+(?:[-.][\w]+)?)/i.exec(base);
  if (m && m[1] && m[2]) {
    return {
      version: m[2].replace(/\.(tar|bin|img|gz|tgz|exe|hpm|d9|zip)$/i, ''),
      purpose: purposeOf(m[1]) ?? 'BMC',
      bad,
    };
  }
  if (bad) return { version: `unknown-${imageIdOf(text + base)}`, purpose: purposeOf(base) ?? 'BMC', bad };
  throw new FirmwareError(
    `not a firmware image: no MANIFEST "version=" line${name ? ` and no version in the name ${JSON.stringify(base)}` : ''}`,
    'invalid',
  );
}

export interface FirmwareStoreOptions {
  clock: SimClock;
  /** How long an activation takes. */
  updateMs: number;
  /** Called when an image becomes functional (so the machine updates its identity). */
  onFunctional: (image: FirmwareImage) => void;
  /**
   * An update job (Redfish push or SimpleUpdate, not an OpenBMC REST activation) finished activating a
   * BMC image: bmcweb reboots the BMC to run it, and so does the machine.
   */
  onJobActivated?: (image: FirmwareImage) => void;
  /** Called for log entries worth recording. */
  onEvent: (severity: 'OK' | 'Warning' | 'Critical', messageId: string, message: string) => void;
}

interface Activation {
  image: FirmwareImage;
  started: number;
  timer: SimTimer;
  job?: UpdateJob;
  bad: boolean;
}

export class FirmwareStore {
  private readonly images: FirmwareImage[] = [];
  private readonly jobs: UpdateJob[] = [];
  private readonly activations = new Map<string, Activation>();
  private readonly badImages = new Set<string>();
  /** Jobs staged with apply time OnReset, by image id: applied when their component restarts. */
  private readonly pending = new Map<string, UpdateJob>();
  private nextJobId = 1;

  constructor(
    private readonly opts: FirmwareStoreOptions,
    bmcVersion: string,
    biosVersion: string,
  ) {
    const now = opts.clock.now();
    for (const [purpose, version] of [
      ['BMC', bmcVersion],
      ['Host', biosVersion],
    ] as const) {
      this.images.push({
        id: imageIdOf(version),
        purpose,
        version,
        activation: 'Active',
        priority: 0,
        functional: true,
        progress: 100,
        created: now,
      });
    }
  }

  /** All images, progress brought up to date. Copies. */
  list(): FirmwareImage[] {
    this.refreshProgress();
    return this.images.map((i) => ({ ...i }));
  }

  get(id: string): FirmwareImage | undefined {
    this.refreshProgress();
    const i = this.images.find((x) => x.id === id);
    return i ? { ...i } : undefined;
  }

  functional(purpose: FirmwarePurpose): FirmwareImage {
    const i = this.images.find((x) => x.purpose === purpose && x.functional);
    if (!i) throw new Error(`no functional ${purpose} image`);
    return { ...i };
  }

  /** Stores an uploaded image in state Ready (phosphor: after upload, before activation). */
  upload(content: Buffer | undefined, name?: string): FirmwareImage {
    const d = describeImage(content, name);
    const id = imageIdOf(d.version);
    const existing = this.images.find((x) => x.id === id);
    if (existing) {
      if (existing.functional) throw new FirmwareError(`version ${d.version} is already running`, 'conflict');
      return { ...existing };
    }
    const image: FirmwareImage = {
      id,
      purpose: d.purpose,
      version: d.version,
      activation: 'Ready',
      priority: 255,
      functional: false,
      progress: 0,
      created: this.opts.clock.now(),
    };
    if (d.bad) this.badImages.add(id);
    this.images.push(image);
    return { ...image };
  }

  /** Starts activating a Ready (or Failed, to retry) image. */
  activate(id: string, job?: UpdateJob): FirmwareImage {
    const image = this.images.find((x) => x.id === id);
    if (!image) throw new FirmwareError(`no firmware image ${id}`, 'notFound');
    if (image.activation === 'Active' || image.activation === 'Activating') return { ...image };
    if (
      this.activations.size > 0 &&
      [...this.activations.values()].some((a) => a.image.purpose === image.purpose)
    )
      throw new FirmwareError(`another ${image.purpose} image is being activated`, 'conflict');
    image.activation = 'Activating';
    image.progress = 0;
    delete image.failure;
    const bad = this.badImages.has(id);
    const timer = this.opts.clock.setTimer(bad ? this.opts.updateMs / 2 : this.opts.updateMs, () =>
      this.finish(id),
    );
    const started = this.opts.clock.now();
    this.activations.set(id, { image, started, timer, bad, ...(job ? { job } : {}) });
    if (job) {
      job.state = 'Running';
      job.imageId = id;
      job.purpose = image.purpose;
    }
    this.opts.onEvent(
      'OK',
      'HwctlSim.1.0.FirmwareActivationStarted',
      `Activation of ${image.purpose} firmware ${image.version} started`,
    );
    return { ...image };
  }

  /**
   * Upload + activate in one step, tracked by a job (Redfish SimpleUpdate / multipart push). With apply
   * time OnReset the image is only staged: the job stays Pending until its component restarts
   * (applyPending), as bmcweb's `@Redfish.OperationApplyTime: OnReset`.
   */
  startUpdate(content: Buffer | undefined, name?: string, applyTime: ApplyTime = 'Immediate'): UpdateJob {
    const job: UpdateJob = {
      id: String(this.nextJobId++),
      name: `Firmware update ${name ?? ''}`.trim(),
      state: 'New',
      percent: 0,
      startTime: this.opts.clock.now(),
      messages: [],
    };
    this.jobs.push(job);
    let image: FirmwareImage;
    try {
      image = this.upload(content, name);
      if (applyTime === 'OnReset') {
        job.state = 'Pending';
        job.imageId = image.id;
        job.purpose = image.purpose;
        job.messages.push({
          messageId: 'Update.1.0.AwaitToActivate',
          message: `Awaiting a ${image.purpose === 'BMC' ? 'BMC reset' : 'host restart'} to activate image ${image.version}.`,
          severity: 'OK',
        });
        this.pending.set(image.id, job);
      } else this.activate(image.id, job);
    } catch (e) {
      job.state = 'Exception';
      job.endTime = this.opts.clock.now();
      job.messages.push({
        messageId: 'Update.1.0.InvalidImage',
        message: e instanceof Error ? e.message : String(e),
        severity: 'Critical',
      });
      this.opts.onEvent(
        'Warning',
        'HwctlSim.1.0.FirmwareUpdateFailed',
        `Firmware update failed: ${job.messages[0]?.message}`,
      );
    }
    return { ...job, messages: [...job.messages] };
  }

  listJobs(): UpdateJob[] {
    this.refreshProgress();
    return this.jobs.map((j) => ({ ...j, messages: [...j.messages] }));
  }

  job(id: string): UpdateJob | undefined {
    this.refreshProgress();
    const j = this.jobs.find((x) => x.id === id);
    return j ? { ...j, messages: [...j.messages] } : undefined;
  }

  setPriority(id: string, priority: number): void {
    const image = this.images.find((x) => x.id === id);
    if (!image) throw new FirmwareError(`no firmware image ${id}`, 'notFound');
    if (!Number.isInteger(priority) || priority < 0 || priority > 255)
      throw new FirmwareError(`priority must be an integer 0..255, got ${priority}`, 'invalid');
    if (priority === 0)
      for (const o of this.images)
        if (o !== image && o.purpose === image.purpose && o.priority === 0) o.priority = 1;
    image.priority = priority;
  }

  delete(id: string): void {
    const image = this.images.find((x) => x.id === id);
    if (!image) throw new FirmwareError(`no firmware image ${id}`, 'notFound');
    if (image.functional) throw new FirmwareError(`image ${id} is running and cannot be deleted`, 'conflict');
    const act = this.activations.get(id);
    if (act) {
      act.timer.cancel();
      this.activations.delete(id);
    }
    const staged = this.pending.get(id);
    if (staged) {
      this.pending.delete(id);
      staged.state = 'Exception';
      staged.endTime = this.opts.clock.now();
      staged.messages.push({
        messageId: 'Update.1.0.OperationTransitionedToJob',
        message: `Image ${image.version} was deleted before it was applied.`,
        severity: 'Warning',
      });
    }
    this.images.splice(this.images.indexOf(image), 1);
  }

  /**
   * The component restarts: images staged for it (OnReset) are written now, so the restart that
   * follows (componentRestarted) runs them. A bad image fails here, and the running one stays.
   */
  applyPending(purpose: FirmwarePurpose): void {
    for (const [id, job] of [...this.pending]) {
      if (job.purpose !== purpose) continue;
      this.pending.delete(id);
      const image = this.images.find((x) => x.id === id);
      if (!image) continue; // deleted while staged (its job ended then)
      const now = this.opts.clock.now();
      if (this.badImages.has(id)) {
        this.markFailed(image, job, now);
        continue;
      }
      this.markActive(image);
      job.state = 'Completed';
      job.percent = 100;
      job.endTime = now;
      job.messages.push({
        messageId: 'Update.1.0.UpdateSuccessful',
        message: `Device ${image.purpose} firmware updated to ${image.version}.`,
        severity: 'OK',
      });
    }
  }

  /**
   * The component restarted: the Active image of that purpose with priority 0 becomes functional.
   * Returns the newly functional image, if the running version changed.
   */
  componentRestarted(purpose: FirmwarePurpose): FirmwareImage | undefined {
    const next = this.images.find(
      (x) => x.purpose === purpose && x.activation === 'Active' && x.priority === 0,
    );
    const current = this.images.find((x) => x.purpose === purpose && x.functional);
    if (!next || next === current) return undefined;
    if (current) current.functional = false;
    next.functional = true;
    this.opts.onFunctional({ ...next });
    return { ...next };
  }

  /** A bad image: Failed, and its job (if any) ends in Exception with the verification message. */
  private markFailed(image: FirmwareImage, job: UpdateJob | undefined, now: number): void {
    image.activation = 'Failed';
    image.failure = 'image verification failed: bad signature';
    if (!job) return;
    job.state = 'Exception';
    job.endTime = now;
    job.messages.push({
      messageId: 'Update.1.0.VerificationFailed',
      message: `Verification of image ${image.version} failed.`,
      severity: 'Critical',
    });
  }

  /** The image is Active and first in priority; the others of its purpose move down one. */
  private markActive(image: FirmwareImage): void {
    image.activation = 'Active';
    image.progress = 100;
    for (const o of this.images)
      if (o !== image && o.purpose === image.purpose) o.priority = Math.min(255, o.priority + 1);
    image.priority = 0;
  }

  private refreshProgress(): void {
    const now = this.opts.clock.now();
    for (const a of this.activations.values()) {
      const span = a.bad ? this.opts.updateMs / 2 : this.opts.updateMs;
      const pct = Math.min(99, Math.floor(((now - a.started) / Math.max(1, span)) * 100));
      a.image.progress = pct;
      if (a.job) a.job.percent = pct;
    }
  }

  private finish(id: string): void {
    const a = this.activations.get(id);
    if (!a) return;
    this.activations.delete(id);
    const { image, job } = a;
    const now = this.opts.clock.now();
    if (a.bad) {
      this.markFailed(image, job, now);
      this.opts.onEvent(
        'Warning',
        'HwctlSim.1.0.FirmwareUpdateFailed',
        `Activation of ${image.purpose} firmware ${image.version} failed: bad signature`,
      );
      return;
    }
    this.markActive(image);
    if (job) {
      job.state = 'Completed';
      job.percent = 100;
      job.endTime = now;
      job.messages.push({
        messageId: 'Update.1.0.UpdateSuccessful',
        message: `Device ${image.purpose} firmware updated to ${image.version}; it takes effect at the next ${image.purpose === 'BMC' ? 'BMC reboot' : 'host boot'}.`,
        severity: 'OK',
      });
    }
    this.opts.onEvent(
      'OK',
      'HwctlSim.1.0.FirmwareActivated',
      `${image.purpose} firmware ${image.version} activated`,
    );
    if (job && image.purpose === 'BMC') this.opts.onJobActivated?.(image);
  }
}
