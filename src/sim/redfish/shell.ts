/**
 * The part of a Redfish service every personality shares: authentication (sessions and Basic),
 * the SessionService, method dispatch with 405s, ETags and If-Match, `$expand` and paging, and
 * Redfish-shaped errors. The resources themselves come from a `ResourceTree`.
 */
import type { SimMachine } from '../machine.js';
import type { BmcTls, Frontend, SimRequest, SimResponse } from '../types.js';
import {
  ErrorFactory,
  RedfishError,
  errorBody,
  extendedInfo,
  vendorMessage,
  type ErrorStyle,
} from './errors.js';
import { etagValue, formatEtag, ifMatchSatisfied } from './etag.js';
import { isObject, isoTime, str, type JsonObject } from './json.js';
import type { ExpandSupport, Profile } from './personalities.js';
import { expandDocument, pageCollection, parseExpand, parsePaging } from './query.js';
import { AccountService } from './accounts.js';
import { CertificateService } from './certificates.js';
import { EventService } from './events.js';
import { hasPrivilege, requiredPrivilege } from './privileges.js';
import { Registries } from './registries.js';
import { JsonSchemas, describedByLink } from './schemas.js';
import { SessionStore, type Session } from './sessions.js';
import {
  parseJsonBody,
  type HandlerResult,
  type RequestContext,
  type ResourceNode,
  type ResourceTree,
} from './tree.js';

export const SESSIONS_PATH = '/redfish/v1/SessionService/Sessions';
export const SESSION_SERVICE_PATH = '/redfish/v1/SessionService';
/** DSP0266: a client may create a session by POSTing to the collection's `Members` too. */
const SESSIONS_MEMBERS_PATH = `${SESSIONS_PATH}/Members`;

/**
 * Types of the resources the shell serves itself, `Namespace.vX_Y_Z` (bare for a collection): the one
 * list behind `JsonSchemas` (with the tree's own types) and the generated service's `$metadata`.
 */
export const SHELL_TYPES: readonly string[] = [
  'SessionService.v1_1_8',
  'SessionCollection',
  'Session.v1_6_0',
  'AccountService.v1_10_0',
  'ManagerAccountCollection',
  'ManagerAccount.v1_4_0',
  'RoleCollection',
  'Role.v1_2_2',
  'EventService.v1_10_0',
  'EventDestinationCollection',
  'EventDestination.v1_14_0',
  'Event.v1_7_0',
  'MessageRegistryFileCollection',
  'MessageRegistryFile.v1_1_0',
  'MessageRegistry.v1_6_0',
  'JsonSchemaFileCollection',
  'JsonSchemaFile.v1_1_0',
  'CertificateService.v1_0_0',
  'CertificateLocations.v1_0_0',
  'CertificateCollection',
  'Certificate.v1_5_0',
];

export interface ShellConfig {
  errorStyle: ErrorStyle;
  etag: Profile['etag'];
  ifMatchRequired: boolean;
  /** iDRAC: an action POST carrying If-Match fails with 412 (clients must not send it). */
  ifMatchOnActionFails: boolean;
  success: Profile['success'];
  expand: ExpandSupport | false;
  /** `full`: $top/$skip paging and 501 for unsupported `$` queries; `expandOnly`: the rest is ignored (captures). */
  queries: 'full' | 'expandOnly';
  sessionLimitStyle: Profile['sessionLimitStyle'];
  trailingSlash: boolean;
  /** ManagerAccount.Keys on every account (the generic personality: the standard as written). */
  accountKeys?: boolean;
}

/** OData's own system query options (a capture ignores the ones it cannot do). */
const ODATA_QUERY_OPTIONS = new Set([
  '$select',
  '$filter',
  '$count',
  '$orderby',
  '$search',
  '$format',
  '$skiptoken',
  '$apply',
  '$compute',
  '$index',
  '$schemaversion',
  '$id',
]);

/** Paths anyone may GET without credentials (the spec's unauthenticated set). */
const PUBLIC_PATHS = new Set(['/redfish', '/redfish/v1', '/redfish/v1/odata', '/redfish/v1/$metadata']);

const JSON_HEADERS = { 'Content-Type': 'application/json; charset=utf-8', 'OData-Version': '4.0' };
/** Responses are live state: no client or proxy may reuse one (bmcweb sends the same). */
const CACHE_CONTROL = 'no-store, max-age=0';
/** What a 401 tells the client to do (RFC 7235; DSP0266 "WWW-Authenticate"). */
const WWW_AUTHENTICATE = 'Basic realm="Redfish"';

/** Path without trailing slashes (`/redfish/v1/Systems/1/` → `/redfish/v1/Systems/1`). */
export function normalizePath(path: string): string {
  const p = path.replace(/\/+$/, '');
  return p === '' ? '/' : p;
}

function header(req: SimRequest, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

function isCollection(doc: JsonObject): boolean {
  return Array.isArray(doc.Members);
}

export interface ShellOptions {
  machine: SimMachine;
  config: ShellConfig;
  tree: ResourceTree;
  sessions: SessionStore;
  checkCredentials: (username: string, password: string) => boolean;
  /** The SessionService document before live values are put in (capture or generated). */
  sessionServiceDoc: () => JsonObject;
  /** The EventService's origins and SSE URI (none: no SSE). */
  events: { sseUri?: string; systemPath: string; logEntryPath?: (id: number) => string };
  /** Where the HTTPS certificate is read and replaced (the Manager), and the BMC's TLS hook. */
  certificates?: { managerPath?: string; tls?: BmcTls };
  /** `Namespace.vX_Y_Z` of the types the tree serves (JsonSchemas); the shell adds its own. */
  treeTypes?: () => readonly string[];
  /** Registry files the tree serves (Registries lists them with its own). */
  treeRegistries?: () => readonly string[];
}

export class RedfishShell implements Frontend {
  readonly flavor = 'redfish' as const;
  readonly errors: ErrorFactory;
  private readonly cfg: ShellConfig;
  private readonly sessions: SessionStore;
  private readonly accounts: AccountService;
  private readonly events: EventService;
  private readonly certificates: CertificateService;
  private readonly registries: Registries;
  private readonly schemas: JsonSchemas;

  private readonly onBmc = (ev: 'down' | 'up'): void => {
    // A rebooting BMC forgets its sessions.
    if (ev === 'down') this.sessions.clear();
  };

  constructor(private readonly o: ShellOptions) {
    this.cfg = o.config;
    this.errors = new ErrorFactory(o.config.errorStyle);
    this.sessions = o.sessions;
    this.accounts = new AccountService({
      machine: o.machine,
      errors: this.errors,
      sessions: o.sessions,
      url: (p) => this.url(p),
      ...(o.config.accountKeys ? { keys: true } : {}),
    });
    this.events = new EventService({
      machine: o.machine,
      errors: this.errors,
      url: (p) => this.url(p),
      ...o.events,
    });
    this.certificates = new CertificateService({
      errors: this.errors,
      url: (p) => this.url(p),
      ...o.certificates,
    });
    this.registries = new Registries({
      basePrefix: o.config.errorStyle.basePrefix,
      url: (p) => this.url(p),
      ...(o.treeRegistries ? { treeFiles: o.treeRegistries } : {}),
    });
    this.schemas = new JsonSchemas({
      types: () => [...(o.treeTypes?.() ?? []), ...SHELL_TYPES],
      url: (p) => this.url(p),
    });
    o.machine.on('bmc', this.onBmc);
  }

  dispose(): void {
    this.o.machine.off('bmc', this.onBmc);
    this.sessions.clear();
    this.events.dispose();
  }

  openSessions(): number {
    return this.sessions.count();
  }

  expireSessions(): void {
    this.sessions.clear();
  }

  /** `@odata.id` form of a path (iLO adds a trailing slash). */
  url(path: string): string {
    return this.cfg.trailingSlash && !path.endsWith('/') ? `${path}/` : path;
  }

  handle(req: SimRequest): SimResponse {
    try {
      return this.dispatch(req);
    } catch (e) {
      if (e instanceof RedfishError) return this.errorResponse(e);
      // A simulator bug or a broken capture file: say which, so the user can fix the capture.
      const cause = e instanceof Error ? e.message : String(e);
      return this.errorResponse(
        new RedfishError(500, [
          this.errors.message('InternalError'),
          vendorMessage(
            'HwctlSim.1.0.InternalError',
            cause,
            'Critical',
            'Check the capture file or report a bug.',
          ),
        ]),
      );
    }
  }

  private errorResponse(e: RedfishError): SimResponse {
    const headers: Record<string, string> = { ...JSON_HEADERS, ...e.headers };
    if (e.status === 401 && !('WWW-Authenticate' in headers)) headers['WWW-Authenticate'] = WWW_AUTHENTICATE;
    return { status: e.status, headers, body: errorBody(this.cfg.errorStyle, e.messages) };
  }

  private dispatch(req: SimRequest): SimResponse {
    const path = normalizePath(req.path);
    const method = req.method.toUpperCase();
    if (!this.o.machine.bmcReady())
      throw this.errors.error('ServiceTemporarilyUnavailable', ['30'], { headers: { 'Retry-After': '30' } });
    // DSP0266: a request for an OData version the service does not speak fails with 412.
    const odataVersion = header(req, 'odata-version');
    if (odataVersion !== undefined && odataVersion.trim() !== '4.0')
      throw this.errors.error('PreconditionFailed');

    const isLogin = method === 'POST' && (path === SESSIONS_PATH || path === SESSIONS_MEMBERS_PATH);
    const isPublic = (method === 'GET' || method === 'HEAD') && PUBLIC_PATHS.has(path);
    const who = isLogin || isPublic ? undefined : this.authenticate(req, path);
    const session = who?.session;
    const ctx: RequestContext = { req, path, session, errors: this.errors };
    if (who) ctx.user = who.user;

    const node = this.lookup(path);
    if (!node) throw this.errors.error('ResourceMissingAtURI', [req.path]);
    if (who) this.authorize(method, path, who.user);

    switch (method) {
      case 'GET':
        if (this.events.isStream(path)) return this.events.openStream(ctx);
        return this.get(node, ctx);
      case 'HEAD': {
        const r = this.get(node, ctx);
        return { status: r.status, ...(r.headers ? { headers: r.headers } : {}) };
      }
      case 'PATCH':
        return this.patch(node, ctx);
      case 'POST':
        if (!node.post) throw this.notAllowed(node);
        if (
          this.cfg.ifMatchOnActionFails &&
          header(req, 'if-match') !== undefined &&
          path.includes('/Actions/')
        )
          throw this.errors.error('PreconditionFailed');
        return this.finish(node.post(ctx), 'action');
      case 'DELETE':
        if (!node.delete) throw this.notAllowed(node);
        return this.finish(node.delete(ctx), 'action');
      default:
        throw this.notAllowed(node);
    }
  }

  private notAllowed(node: ResourceNode): RedfishError {
    return this.errors.error('OperationNotAllowed', [], { headers: { Allow: allowed(node) } });
  }

  /** 403 unless the caller's role holds the privilege the request needs (see privileges.ts). */
  private authorize(method: string, path: string, user: string): void {
    const ownSession =
      method === 'DELETE' &&
      path.startsWith(`${SESSIONS_PATH}/`) &&
      this.sessions.get(path.slice(SESSIONS_PATH.length + 1))?.username === user;
    const needed = requiredPrivilege({ method, path, ownSession });
    if (needed === undefined) return;
    // An account the machine does not hold is the frontend's extra one, which is an administrator.
    const role = this.o.machine.account(user)?.role ?? 'Administrator';
    if (!hasPrivilege(role, needed)) throw this.errors.error('InsufficientPrivilege');
  }

  private authenticate(req: SimRequest, path: string): { session?: Session; user: string } {
    const token = header(req, 'x-auth-token');
    if (token !== undefined) {
      const s = this.sessions.touch(token);
      if (!s) throw this.errors.error('NoValidSession');
      return { session: s, user: s.username };
    }
    const auth = header(req, 'authorization');
    if (auth !== undefined && /^basic /i.test(auth)) {
      const decoded = Buffer.from(auth.slice(6).trim(), 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      const user = colon < 0 ? decoded : decoded.slice(0, colon);
      const pass = colon < 0 ? '' : decoded.slice(colon + 1);
      if (this.o.checkCredentials(user, pass)) return { user };
      throw this.errors.error('ResourceAtUriUnauthorized', [path, 'Invalid username or password'], {
        headers: { 'WWW-Authenticate': 'Basic realm="Redfish"' },
      });
    }
    throw this.errors.error('NoValidSession');
  }

  // ------------------------------------------------------------------ GET

  /** The document at a path with live values, as `$expand` sees it (no paging). */
  resolveDoc(path: string): JsonObject | undefined {
    const p = normalizePath(path.split('?')[0] ?? path);
    const node = this.lookup(p);
    return node?.get ? this.decorate(node.get()) : undefined;
  }

  /** Adds `@odata.etag` where the personality puts it in bodies; `tag` saves hashing twice. */
  private decorate(doc: JsonObject, tag?: string): JsonObject {
    const { inBody, weak } = this.cfg.etag;
    if (inBody === 'asCaptured') {
      const captured = doc['@odata.etag'];
      if (typeof captured !== 'string') return doc;
      return { ...doc, '@odata.etag': formatEtag(tag ?? etagValue(doc), /^W\//i.test(captured)) };
    }
    if (!inBody || isCollection(doc) || typeof doc['@odata.id'] !== 'string') return doc;
    return { ...doc, '@odata.etag': formatEtag(tag ?? etagValue(doc), weak) };
  }

  private get(node: ResourceNode, ctx: RequestContext): SimResponse {
    if (node.raw) {
      const r = node.raw();
      return { ...r, headers: { ...r.headers, Allow: allowed(node), 'Cache-Control': CACHE_CONTROL } };
    }
    if (!node.get) throw this.notAllowed(node);
    const query = ctx.req.query;
    for (const k of query.keys()) {
      if (!k.startsWith('$') || ['$expand', '$levels', '$top', '$skip'].includes(k)) continue;
      // A capture keeps answering the OData options its BMC may have had ($select...) by ignoring them;
      // a `$` parameter OData does not define is 501 everywhere (DSP0266).
      if (this.cfg.queries === 'full' || !ODATA_QUERY_OPTIONS.has(k))
        throw this.errors.error('QueryNotSupported');
    }
    const expand = parseExpand(query, this.cfg.expand, this.errors);
    const raw = node.get();
    const rawTag = etagValue(raw);
    const decorated = this.decorate(raw, rawTag);
    let doc = decorated;
    if (this.cfg.queries === 'full')
      doc = pageCollection(doc, ctx.path, parsePaging(query, this.errors), node.pageSize);
    if (expand) doc = expandDocument(doc, expand, (p) => this.resolveDoc(p));
    // A page or an expansion is a different representation with its own tag.
    const tag = formatEtag(doc === decorated ? rawTag : etagValue(doc), this.cfg.etag.weak);
    const headers: Record<string, string> = {
      ...JSON_HEADERS,
      ETag: tag,
      Allow: allowed(node),
      'Cache-Control': CACHE_CONTROL,
    };
    const link = describedByLink(raw);
    if (link) headers.Link = link;
    return { status: node.getStatus?.() ?? 200, headers, body: doc };
  }

  // ------------------------------------------------------------------ PATCH

  private patch(node: ResourceNode, ctx: RequestContext): SimResponse {
    if (!node.patch) throw this.notAllowed(node);
    const parsed = parseJsonBody(ctx);
    if (!isObject(parsed)) throw this.errors.error('MalformedJSON');
    if (Object.keys(parsed).length === 0) throw this.errors.error('EmptyJSON');
    // OData annotations (`@odata.id`, `@odata.etag`...) describe the resource; they change nothing. A body of
    // nothing else is DSP0266's NoOperation.
    const body: JsonObject = {};
    for (const [k, v] of Object.entries(parsed)) if (!k.startsWith('@odata.')) body[k] = v;
    if (Object.keys(body).length === 0) throw this.errors.error('NoOperation');
    const ifMatch = header(ctx.req, 'if-match');
    if (node.get) {
      if (ifMatch !== undefined) {
        if (!ifMatchSatisfied(ifMatch, etagValue(this.decorate(node.get()))))
          throw this.errors.error('PreconditionFailed');
      } else if (this.cfg.ifMatchRequired) throw this.errors.error('PreconditionRequired');
    }
    const result = node.patch(body, ctx);
    if (result) return result;
    if (this.cfg.success.patch === 'resource' && node.get) {
      const doc = this.decorate(node.get());
      return {
        status: 200,
        headers: { ...JSON_HEADERS, ETag: formatEtag(etagValue(doc), this.cfg.etag.weak) },
        body: doc,
      };
    }
    return this.finish(undefined, 'patch');
  }

  /** Success in the personality's style. */
  private finish(result: HandlerResult, kind: 'patch' | 'action'): SimResponse {
    if (result) return result;
    const success = this.errors.message('Success');
    switch (this.cfg.success[kind]) {
      case 'idracMessage':
        return { status: 200, headers: JSON_HEADERS, body: extendedInfo([success]) };
      case 'iloMessage':
        return { status: 200, headers: JSON_HEADERS, body: errorBody(this.cfg.errorStyle, [success]) };
      default:
        return { status: 204 };
    }
  }

  // ------------------------------------------------------------------ SessionService

  /**
   * The shell owns the SessionService and AccountService subtrees (whatever a capture holds there): they
   * are live state every personality shares. The tree serves the rest.
   */
  private lookup(path: string): ResourceNode | undefined {
    if (this.accounts.owns(path)) return this.accounts.resolve(path);
    if (path === SESSION_SERVICE_PATH || path === SESSIONS_PATH || path.startsWith(`${SESSIONS_PATH}/`))
      return this.sessionNode(path);
    if (this.events.owns(path)) return this.events.resolve(path);
    if (this.certificates.owns(path)) return this.certificates.resolve(path);
    const node = this.o.tree.resolve(path);
    if (node) return node;
    // Registries and JsonSchemas a capture brings are served as captured; otherwise the shell's own.
    if (this.registries.owns(path)) return this.registries.resolve(path);
    if (this.schemas.owns(path)) return this.schemas.resolve(path);
    return undefined;
  }

  private sessionNode(path: string): ResourceNode | undefined {
    if (path === SESSION_SERVICE_PATH) return this.sessionServiceNode();
    if (path === SESSIONS_PATH) return this.sessionsCollectionNode();
    if (path === SESSIONS_MEMBERS_PATH) return { post: (ctx) => this.login(ctx) };
    if (path.startsWith(`${SESSIONS_PATH}/`)) {
      const id = path.slice(SESSIONS_PATH.length + 1);
      const s = this.sessions.get(id);
      return s ? this.sessionMemberNode(s) : undefined;
    }
    return undefined;
  }

  private sessionServiceNode(): ResourceNode {
    const render = (): JsonObject => ({
      ...this.o.sessionServiceDoc(),
      '@odata.id': this.url(SESSION_SERVICE_PATH),
      ServiceEnabled: true,
      SessionTimeout: Math.round(this.sessions.timeoutMs / 1000),
      Sessions: { '@odata.id': this.url(SESSIONS_PATH) },
    });
    return {
      get: render,
      patch: (body) => {
        for (const [k, v] of Object.entries(body)) {
          if (k !== 'SessionTimeout') {
            if (k in render()) throw this.errors.error('PropertyNotWritable', [k], { related: [`#/${k}`] });
            throw this.errors.error('PropertyUnknown', [k], { related: [`#/${k}`] });
          }
          if (typeof v !== 'number' || !Number.isInteger(v))
            throw this.errors.error('PropertyValueTypeError', [JSON.stringify(v), k], {
              related: [`#/${k}`],
            });
          if (v < 30 || v > 86400)
            throw this.errors.error('PropertyValueOutOfRange', [String(v), k], { related: [`#/${k}`] });
          this.sessions.timeoutMs = v * 1000;
        }
        return undefined;
      },
    };
  }

  private sessionDoc(s: Session): JsonObject {
    return {
      '@odata.id': this.url(`${SESSIONS_PATH}/${s.id}`),
      '@odata.type': '#Session.v1_6_0.Session',
      Id: s.id,
      Name: 'User Session',
      Description: 'Manager User Session',
      UserName: s.username,
      Password: null,
      SessionType: 'Redfish',
      CreatedTime: isoTime(s.created),
    };
  }

  private sessionsCollectionNode(): ResourceNode {
    return {
      get: () => {
        const members = this.sessions
          .list()
          .map((s) => ({ '@odata.id': this.url(`${SESSIONS_PATH}/${s.id}`) }));
        return {
          '@odata.id': this.url(SESSIONS_PATH),
          '@odata.type': '#SessionCollection.SessionCollection',
          Name: 'Session Collection',
          Description: 'Session Collection',
          Members: members,
          'Members@odata.count': members.length,
        };
      },
      post: (ctx) => this.login(ctx),
    };
  }

  private sessionMemberNode(s: Session): ResourceNode {
    return {
      get: () => this.sessionDoc(s),
      delete: () => {
        this.sessions.delete(s.id);
        return undefined;
      },
    };
  }

  private login(ctx: RequestContext): SimResponse {
    const body = parseJsonBody(ctx);
    if (!isObject(body)) throw this.errors.error('MalformedJSON');
    const user = str(body, 'UserName');
    const pass = str(body, 'Password');
    if (user === undefined)
      throw this.errors.error('PropertyMissing', ['UserName'], { related: ['#/UserName'] });
    if (pass === undefined)
      throw this.errors.error('PropertyMissing', ['Password'], { related: ['#/Password'] });
    if (!this.o.checkCredentials(user, pass))
      throw this.errors.error('ResourceAtUriUnauthorized', [ctx.req.path, 'Invalid username or password']);
    const s = this.sessions.create(user);
    if (!s) {
      if (this.cfg.sessionLimitStyle === 'idrac')
        throw new RedfishError(503, [
          vendorMessage(
            'IDRAC.2.8.RAC0218',
            'The maximum number of user sessions is reached.',
            'OK',
            'Close one or more sessions before opening another session.',
            [],
            'Informational',
          ),
        ]);
      throw this.errors.error('SessionLimitExceeded');
    }
    const location = this.url(`${SESSIONS_PATH}/${s.id}`);
    return {
      status: 201,
      headers: { ...JSON_HEADERS, 'X-Auth-Token': s.token, Location: location },
      body: this.sessionDoc(s),
    };
  }
}

/** The `Allow` header of a resource: the methods it answers. */
function allowed(node: ResourceNode): string {
  return [
    ...(node.get || node.raw ? ['GET', 'HEAD'] : []),
    ...(node.patch ? ['PATCH'] : []),
    ...(node.post ? ['POST'] : []),
    ...(node.delete ? ['DELETE'] : []),
  ].join(', ');
}
