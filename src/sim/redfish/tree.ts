/**
 * The resources of one Redfish service as the frontend shell sees them: a resolver from a path to
 * a node that can render its document and accept the methods it supports. The generated
 * personalities and the mockup server each provide one; the shell adds authentication, sessions,
 * ETags, queries and error bodies around it.
 */
import type { SimRequest, SimResponse } from '../types.js';
import type { ErrorFactory } from './errors.js';
import type { JsonObject } from './json.js';
import type { Session } from './sessions.js';

export interface RequestContext {
  req: SimRequest;
  /** Normalised path (no trailing slash). */
  path: string;
  /** The session used, undefined with Basic auth or on the login request. */
  session: Session | undefined;
  /** Who is asking (session or Basic user); undefined on the login request and public paths. */
  user?: string;
  errors: ErrorFactory;
}

/**
 * What a PATCH/POST/DELETE handler returns: `undefined` means "done", answered in the
 * personality's success style; a response is sent as is.
 */
export type HandlerResult = SimResponse | undefined;

export interface ResourceNode {
  /** Renders the document now. Absent: the URI takes no GET (an action target). */
  get?(): JsonObject;
  /** A GET answered with a non-JSON body (`$metadata` XML); takes precedence over `get`. */
  raw?(): SimResponse;
  /** Members per page by default for this collection (log entries); $top/$skip work on any collection. */
  pageSize?: number;
  /** The body is already parsed JSON (an object; the shell rejects anything else). */
  patch?(body: JsonObject, ctx: RequestContext): HandlerResult;
  /** The raw body: actions parse JSON themselves (empty bodies are fine), uploads take multipart. */
  post?(ctx: RequestContext): HandlerResult;
  delete?(ctx: RequestContext): HandlerResult;
  /** Answer a GET with a status other than 200 (a task monitor answers 202 while its task runs). */
  getStatus?(): number;
}

export interface ResourceTree {
  resolve(path: string): ResourceNode | undefined;
}

/** Parses a JSON request body; empty means `{}`. Throws MalformedJSON. */
export function parseJsonBody(ctx: RequestContext): unknown {
  const text = ctx.req.body.toString('utf8').trim();
  if (text === '') return {};
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw ctx.errors.error('MalformedJSON');
  }
}
