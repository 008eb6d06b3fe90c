/**
 * The simulator's Redfish frontend: turns Redfish requests into reads and changes of a SimMachine,
 * looking like a DMTF-style service, an OpenBMC bmcweb, a Dell iDRAC or an HPE iLO (generated
 * resources), or serving a Redfish Mockup-Creator capture with live state on top.
 */
import type { SimClock } from '../clock.js';
import type { SimMachine } from '../machine.js';
import type { Frontend, FrontendOptions, Personality, SimRequest, SimResponse } from '../types.js';
import { ErrorFactory, RedfishError, errorBody } from './errors.js';
import { generatedTree, sessionServiceDoc } from './generated/index.js';
import { featureRegistryPaths } from './generated/bios.js';
import { restAlias } from './generated/ilo.js';
import { logPaths } from './generated/logs.js';
import { servedTypes } from './generated/root.js';
import type { JsonObject } from './json.js';
import { loadCapture } from './mockup/capture.js';
import { MockupTree } from './mockup/tree.js';
import { PROFILES, type GeneratedPersonality } from './personalities.js';
import { RedfishShell, SESSION_SERVICE_PATH, type ShellConfig } from './shell.js';
import { SessionStore } from './sessions.js';

export { PROFILES, type Profile, type GeneratedPersonality } from './personalities.js';
export { loadCapture, CaptureError } from './mockup/capture.js';

export interface RedfishFrontendOptions extends Partial<Omit<FrontendOptions, 'personality'>> {
  personality: Personality;
  /** Capture directory (personality `mockup`). */
  mockupDir?: string;
  /** Defaults to the machine's clock. */
  clock?: SimClock;
  /** Concurrent sessions; default per personality (iDRAC 8, iLO 16, generic 32, OpenBMC 64, mockup 32). */
  sessionLimit?: number;
  /** Idle timeout of sessions; default 30 minutes. */
  sessionTimeoutMs?: number;
  /** An account accepted besides the machine's own ones (the machine's accounts always work). */
  username?: string;
  password?: string;
}

const DEFAULT_SESSION_TIMEOUT_MS = 30 * 60 * 1000;
const MOCKUP_SESSION_LIMIT = 32;

const MOCKUP_SSE_URI = '/redfish/v1/EventService/SSE';

function credentialCheck(
  machine: SimMachine,
  opts: RedfishFrontendOptions,
): (u: string, p: string) => boolean {
  return (user, pass) => {
    if (machine.hasUser(user)) return machine.checkCredentials(user, pass);
    return (
      opts.username !== undefined &&
      opts.password !== undefined &&
      user === opts.username &&
      pass === opts.password
    );
  };
}

/** The first System of a capture (origin of its power events), the collection when it has none. */
function firstSystem(systems: JsonObject | undefined): string {
  const first = Array.isArray(systems?.Members) ? systems.Members[0] : undefined;
  const id = first && typeof first === 'object' && !Array.isArray(first) ? first['@odata.id'] : undefined;
  return typeof id === 'string' ? id.replace(/\/+$/, '') : '/redfish/v1/Systems';
}

class RedfishFrontend implements Frontend {
  readonly flavor = 'redfish' as const;

  constructor(
    private readonly shell: RedfishShell,
    private readonly errors: ErrorFactory,
    private readonly onDispose: () => void,
    private readonly restAlias = false,
  ) {}

  handle(req: SimRequest): SimResponse {
    // iLO answers its iLO 4 REST prefix `/rest/v1/…` as `/redfish/v1/…` (generated/ilo.ts).
    if (this.restAlias && /^\/rest\/v1(\/|$)/i.test(req.path))
      return this.shell.handle({ ...req, path: restAlias(req.path) });
    return this.shell.handle(req);
  }

  openSessions(): number {
    return this.shell.openSessions();
  }

  expireSessions(): void {
    this.shell.expireSessions();
  }

  /** Injected faults answer in Redfish shape too. */
  faultResponse(status: number, message: string): SimResponse {
    const key = status === 503 ? 'ServiceTemporarilyUnavailable' : 'InternalError';
    const m = { ...this.errors.message(key, ['30']), Message: message };
    const headers: Record<string, string> = {
      'Content-Type': 'application/json; charset=utf-8',
      'OData-Version': '4.0',
    };
    if (status === 503) headers['Retry-After'] = '30';
    return { status, headers, body: errorBody(this.errors.style, [m]) };
  }

  dispose(): void {
    this.onDispose();
  }
}

export function createRedfishFrontend(machine: SimMachine, opts: RedfishFrontendOptions): Frontend {
  const clock = opts.clock ?? machine.clock;
  const timeout = opts.sessionTimeoutMs ?? DEFAULT_SESSION_TIMEOUT_MS;
  const check = credentialCheck(machine, opts);

  if (opts.personality === 'mockup') {
    if (!opts.mockupDir)
      throw new Error('Redfish personality "mockup" needs mockupDir (a Mockup-Creator capture directory)');
    const capture = loadCapture(opts.mockupDir);
    const config: ShellConfig = {
      errorStyle: { basePrefix: 'Base.1.16' },
      etag: { weak: false, inBody: 'asCaptured' },
      ifMatchRequired: false,
      ifMatchOnActionFails: false,
      success: { patch: 'noContent', action: 'noContent' },
      expand: false,
      queries: 'expandOnly',
      sessionLimitStyle: 'base',
      trailingSlash: false,
    };
    const errors = new ErrorFactory(config.errorStyle);
    const tree = new MockupTree({ capture, machine, errors });
    config.expand = tree.expandSupport();
    const sessions = new SessionStore(
      clock,
      timeout,
      opts.sessionLimit ?? MOCKUP_SESSION_LIMIT,
      opts.sessionsFull,
    );
    const shell = new RedfishShell({
      machine,
      config,
      tree,
      sessions,
      checkCredentials: check,
      sessionServiceDoc: (): JsonObject =>
        capture.doc(SESSION_SERVICE_PATH) ?? {
          '@odata.type': '#SessionService.v1_1_8.SessionService',
          Id: 'SessionService',
          Name: 'Session Service',
        },
      // A capture's own EventService document is replaced by the live one; SSE at the DMTF mockup's URI.
      events: { sseUri: MOCKUP_SSE_URI, systemPath: firstSystem(capture.doc('/redfish/v1/Systems')) },
      certificates: opts.tls ? { tls: opts.tls } : {},
    });
    return new RedfishFrontend(shell, errors, () => {
      shell.dispose();
      tree.dispose();
    });
  }

  const base = PROFILES[opts.personality as GeneratedPersonality];
  if (!base) throw new Error(`unknown Redfish personality: ${String(opts.personality)}`);
  const profile = opts.updatePushOnly
    ? {
        ...base,
        update: {
          simpleUpdate: base.update.simpleUpdate,
          httpPushUri:
            base.update.httpPushUri ?? base.update.multipartUri ?? '/redfish/v1/UpdateService/update',
        },
      }
    : base;
  const config: ShellConfig = {
    errorStyle: profile.errorStyle,
    etag: profile.etag,
    ifMatchRequired: profile.ifMatchRequired,
    ifMatchOnActionFails: profile.ifMatchOnActionFails,
    success: profile.success,
    expand: profile.expand,
    queries: 'full',
    sessionLimitStyle: profile.sessionLimitStyle,
    trailingSlash: profile.trailingSlash,
    accountKeys: profile.accountKeys,
  };
  const errors = new ErrorFactory(config.errorStyle);
  const { tree, gen } = generatedTree(machine, profile, errors);
  const sessions = new SessionStore(
    clock,
    timeout,
    opts.sessionLimit ?? profile.sessionLimit,
    opts.sessionsFull,
  );
  const shell = new RedfishShell({
    machine,
    config,
    tree,
    sessions,
    checkCredentials: check,
    sessionServiceDoc: sessionServiceDoc(gen),
    events: {
      ...(profile.sseUri ? { sseUri: profile.sseUri } : {}),
      systemPath: gen.sys,
      logEntryPath: (id) => `${logPaths(gen).entries}/${id}`,
    },
    certificates: { managerPath: gen.mgr, ...(opts.tls ? { tls: opts.tls } : {}) },
    treeTypes: servedTypes,
    treeRegistries: () => featureRegistryPaths(gen),
  });
  return new RedfishFrontend(shell, errors, () => shell.dispose(), profile.hpeRest);
}

export { RedfishError };
