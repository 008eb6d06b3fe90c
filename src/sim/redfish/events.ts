/**
 * The EventService of every Redfish personality (the shell owns this subtree, as it owns the
 * SessionService): subscriptions whose listeners get real HTTP POSTs, SubmitTestEvent, and a
 * Server-Sent Events stream where the personality has one (bmcweb, DMTF-style, iDRAC 9).
 *
 * What becomes an event:
 *  - a power state change of the server: ResourceEvent ResourcePoweringOn/ResourcePoweredOn/
 *    ResourcePoweringOff/ResourcePoweredOff, origin the System;
 *  - a new entry in the machine's event log: the entry's own MessageId and text, origin the LogEntry.
 *
 * As on bmcweb, subscriptions filter by RegistryPrefixes, MessageIds, ResourceTypes and the deprecated
 * EventTypes (empty = everything); a test event goes to every subscription. Each subscription delivers
 * in order (one POST at a time); a failed POST is retried DeliveryRetryAttempts times,
 * DeliveryRetryIntervalSeconds apart on the machine's clock, then the DeliveryRetryPolicy applies
 * (TerminateAfterRetries deletes the subscription, SuspendRetries disables it, RetryForever keeps going).
 * Opening the SSE stream creates an EventDestination of SubscriptionType SSE; closing the stream deletes
 * it, and deleting it closes the stream.
 */
import type { SimTimer } from '../clock.js';
import type { LogEntry, PowerState, SimMachine } from '../machine.js';
import type { SimResponse, SimStreamSink } from '../types.js';
import type { ErrorFactory } from './errors.js';
import { EventPoster } from './events-delivery.js';
import { isObject, isoTime, type Json, type JsonObject } from './json.js';
import { RESOURCE_EVENT, RESOURCE_EVENT_VERSION } from './registries.js';
import { parseJsonBody, type HandlerResult, type RequestContext, type ResourceNode } from './tree.js';

export const EVENT_SERVICE_PATH = '/redfish/v1/EventService';
const SUBSCRIPTIONS = `${EVENT_SERVICE_PATH}/Subscriptions`;
const SUBMIT_TEST = `${EVENT_SERVICE_PATH}/Actions/EventService.SubmitTestEvent`;

const EVENT_TYPES = ['StatusChange', 'ResourceUpdated', 'ResourceAdded', 'ResourceRemoved', 'Alert', 'Other'];
const RETRY_POLICIES = ['TerminateAfterRetries', 'SuspendRetries', 'RetryForever'];
const REGISTRY_PREFIXES = ['Base', 'ResourceEvent', 'HwctlSim'];
const RESOURCE_TYPES = ['ComputerSystem', 'LogEntry'];
/** SSE keep-alive comment period: proxies and clients drop streams that stay silent. */
const SSE_KEEPALIVE_MS = 15_000;
const JSON_HEADERS = { 'Content-Type': 'application/json; charset=utf-8', 'OData-Version': '4.0' };

export interface EventServiceOptions {
  machine: SimMachine;
  errors: ErrorFactory;
  url(path: string): string;
  /** The personality's ServerSentEventUri; undefined when it has no SSE (iLO). */
  sseUri?: string;
  /** OriginOfCondition of power events. */
  systemPath: string;
  /** OriginOfCondition of a log entry event; the System when absent. */
  logEntryPath?: (id: number) => string;
}

/** One event record (`Events[]` member) before it is addressed to a subscription. */
interface EventRecord {
  EventType: string;
  EventId: string;
  EventTimestamp: string;
  Severity: string;
  MessageSeverity: string;
  Message: string;
  MessageId: string;
  MessageArgs: string[];
  OriginOfCondition: { '@odata.id': string };
}

interface Subscription {
  id: string;
  type: 'RedfishEvent' | 'SSE';
  destination?: string;
  context: string;
  eventTypes: string[];
  registryPrefixes: string[];
  messageIds: string[];
  resourceTypes: string[];
  /** Sent with every POST, never shown (the schema makes HttpHeaders write-only: empty on read). */
  httpHeaders: Record<string, string>;
  retryPolicy: string;
  enabled: boolean;
  /** Deliveries run one after another. */
  queue: Promise<void>;
  retryTimer?: SimTimer;
  sse?: SimStreamSink;
  keepAlive?: SimTimer;
}

export class EventService {
  private readonly subs = new Map<string, Subscription>();
  private readonly poster = new EventPoster();
  private nextSubId = 1;
  private nextEventId = 1;
  private serviceEnabled = true;
  private retryAttempts = 3;
  private retryIntervalS = 30;
  private disposed = false;

  private readonly onPower = (state: PowerState): void => {
    const key = POWER_MESSAGES[state];
    const m = RESOURCE_EVENT[key];
    const arg = this.o.systemPath.split('/').pop() ?? '';
    this.publish({
      EventType: 'StatusChange',
      MessageId: `ResourceEvent.${RESOURCE_EVENT_VERSION}.${key}`,
      Message: m.Message.replace('%1', arg),
      MessageArgs: [arg],
      Severity: m.MessageSeverity,
      origin: this.o.systemPath,
      resourceType: 'ComputerSystem',
    });
  };

  private readonly onLog = (e: LogEntry): void => {
    this.publish({
      EventType: 'Alert',
      MessageId: e.messageId,
      Message: e.message,
      MessageArgs: [...e.messageArgs],
      Severity: e.severity,
      origin: this.o.logEntryPath ? this.o.logEntryPath(e.id) : this.o.systemPath,
      resourceType: 'LogEntry',
    });
  };

  constructor(private readonly o: EventServiceOptions) {
    o.machine.on('power', this.onPower);
    o.machine.on('log', this.onLog);
  }

  dispose(): void {
    this.disposed = true;
    this.o.machine.off('power', this.onPower);
    this.o.machine.off('log', this.onLog);
    for (const s of [...this.subs.values()]) this.remove(s);
    this.poster.abortAll();
  }

  owns(path: string): boolean {
    return (
      path === EVENT_SERVICE_PATH ||
      path.startsWith(`${EVENT_SERVICE_PATH}/`) ||
      (this.o.sseUri !== undefined && path === this.o.sseUri)
    );
  }

  /** True for a GET of the SSE stream (answered by `openStream`, not as a document). */
  isStream(path: string): boolean {
    return this.o.sseUri !== undefined && path === this.o.sseUri;
  }

  resolve(path: string): ResourceNode | undefined {
    // GET is answered by `openStream` (the shell asks `isStream` first); this node answers HEAD.
    if (this.isStream(path))
      return {
        raw: () => ({ status: 200, headers: { 'Content-Type': 'text/event-stream; charset=utf-8' } }),
      };
    if (path === EVENT_SERVICE_PATH)
      return { get: () => this.serviceDoc(), patch: (body) => this.patchService(body) };
    if (path === SUBSCRIPTIONS)
      return { get: () => this.subscriptionsDoc(), post: (ctx) => this.create(ctx) };
    if (path === SUBMIT_TEST) return { post: (ctx) => this.submitTest(ctx) };
    if (path.startsWith(`${SUBSCRIPTIONS}/`)) {
      const s = this.subs.get(path.slice(SUBSCRIPTIONS.length + 1));
      if (!s) return undefined;
      return {
        get: () => this.subscriptionDoc(s),
        patch: (body) => this.patchSubscription(s, body),
        delete: () => {
          this.remove(s);
          return undefined;
        },
      };
    }
    return undefined;
  }

  // ------------------------------------------------------------------ documents

  private link(path: string): JsonObject {
    return { '@odata.id': this.o.url(path) };
  }

  private serviceDoc(): JsonObject {
    const doc: JsonObject = {
      '@odata.id': this.o.url(EVENT_SERVICE_PATH),
      '@odata.type': '#EventService.v1_10_0.EventService',
      Id: 'EventService',
      Name: 'Event Service',
      Description: 'Event Service',
      ServiceEnabled: this.serviceEnabled,
      Status: { State: this.serviceEnabled ? 'Enabled' : 'Disabled', Health: 'OK' },
      DeliveryRetryAttempts: this.retryAttempts,
      DeliveryRetryIntervalSeconds: this.retryIntervalS,
      EventFormatTypes: ['Event'],
      RegistryPrefixes: [...REGISTRY_PREFIXES],
      ResourceTypes: [...RESOURCE_TYPES],
      Subscriptions: this.link(SUBSCRIPTIONS),
      Actions: {
        '#EventService.SubmitTestEvent': { target: this.o.url(SUBMIT_TEST) },
      },
    };
    if (this.o.sseUri !== undefined) {
      doc.ServerSentEventUri = this.o.sseUri;
      // No $filter on the stream: every event goes to every open stream.
      doc.SSEFilterPropertiesSupported = {
        EventFormatType: false,
        MessageId: false,
        MetricReportDefinition: false,
        OriginResource: false,
        RegistryPrefix: false,
        ResourceType: false,
      };
    }
    return doc;
  }

  private subscriptionsDoc(): JsonObject {
    const members = [...this.subs.keys()].map((id) => this.link(`${SUBSCRIPTIONS}/${id}`));
    return {
      '@odata.id': this.o.url(SUBSCRIPTIONS),
      '@odata.type': '#EventDestinationCollection.EventDestinationCollection',
      Name: 'Event Subscriptions Collection',
      Members: members,
      'Members@odata.count': members.length,
    };
  }

  private subscriptionDoc(s: Subscription): JsonObject {
    const doc: JsonObject = {
      '@odata.id': this.o.url(`${SUBSCRIPTIONS}/${s.id}`),
      '@odata.type': '#EventDestination.v1_14_0.EventDestination',
      Id: s.id,
      Name: 'Event Subscription',
      Context: s.context,
      Protocol: 'Redfish',
      SubscriptionType: s.type,
      EventFormatType: 'Event',
      DeliveryRetryPolicy: s.retryPolicy,
      RegistryPrefixes: [...s.registryPrefixes],
      MessageIds: [...s.messageIds],
      ResourceTypes: [...s.resourceTypes],
      HttpHeaders: [],
      Status: { State: s.enabled ? 'Enabled' : 'Disabled', Health: 'OK' },
    };
    if (s.eventTypes.length) doc.EventTypes = [...s.eventTypes];
    if (s.destination !== undefined) doc.Destination = s.destination;
    return doc;
  }

  // ------------------------------------------------------------------ requests

  private get errors(): ErrorFactory {
    return this.o.errors;
  }

  private body(ctx: RequestContext): JsonObject {
    const body = parseJsonBody(ctx);
    if (!isObject(body)) throw this.errors.error('MalformedJSON');
    return body;
  }

  private stringList(body: JsonObject, key: string, allowed?: readonly string[]): string[] {
    const v = body[key];
    if (v === undefined || v === null) return [];
    if (!Array.isArray(v) || v.some((x) => typeof x !== 'string'))
      throw this.errors.error('PropertyValueTypeError', [JSON.stringify(v), key], { related: [`#/${key}`] });
    const list = v as string[];
    const bad = allowed ? list.find((x) => !allowed.includes(x)) : undefined;
    if (bad !== undefined)
      throw this.errors.error('PropertyValueNotInList', [bad, key], { related: [`#/${key}`] });
    return [...list];
  }

  private headers(v: Json | undefined): Record<string, string> {
    if (v === undefined || v === null) return {};
    const list = Array.isArray(v) ? v : [v];
    const out: Record<string, string> = {};
    for (const h of list) {
      if (!isObject(h) || Object.values(h).some((x) => typeof x !== 'string'))
        throw this.errors.error('PropertyValueTypeError', ['******', 'HttpHeaders'], {
          related: ['#/HttpHeaders'],
        });
      for (const [k, x] of Object.entries(h)) out[k] = x as string;
    }
    return out;
  }

  private create(ctx: RequestContext): HandlerResult {
    const body = this.body(ctx);
    const known = [
      'Destination',
      'Protocol',
      'Context',
      'EventTypes',
      'RegistryPrefixes',
      'MessageIds',
      'ResourceTypes',
      'HttpHeaders',
      'DeliveryRetryPolicy',
      'SubscriptionType',
      'EventFormatType',
    ];
    for (const k of Object.keys(body))
      if (!known.includes(k)) throw this.errors.error('PropertyUnknown', [k], { related: [`#/${k}`] });
    for (const k of ['Destination', 'Protocol'])
      if (body[k] === undefined) throw this.errors.error('PropertyMissing', [k], { related: [`#/${k}`] });
    const protocol = body.Protocol;
    if (typeof protocol !== 'string')
      throw this.errors.error('PropertyValueTypeError', [JSON.stringify(protocol), 'Protocol']);
    // Only Redfish (HTTP POST) delivery: SNMP, SMTP, syslog... are a 400 like any unsupported value.
    if (protocol !== 'Redfish')
      throw this.errors.error('PropertyValueNotInList', [protocol, 'Protocol'], { related: ['#/Protocol'] });
    const destination = body.Destination;
    if (typeof destination !== 'string')
      throw this.errors.error('PropertyValueTypeError', [JSON.stringify(destination), 'Destination']);
    if (!/^https?:\/\/[^/\s]+/i.test(destination) || !canParseUrl(destination))
      throw this.errors.error('PropertyValueFormatError', [destination, 'Destination'], {
        related: ['#/Destination'],
      });
    const context = body.Context ?? '';
    if (typeof context !== 'string' || context.length > 256)
      throw this.errors.error('PropertyValueFormatError', [JSON.stringify(context), 'Context'], {
        related: ['#/Context'],
      });
    if (body.SubscriptionType !== undefined && body.SubscriptionType !== 'RedfishEvent')
      throw this.errors.error('PropertyValueNotInList', [String(body.SubscriptionType), 'SubscriptionType'], {
        related: ['#/SubscriptionType'],
      });
    if (body.EventFormatType !== undefined && body.EventFormatType !== 'Event')
      throw this.errors.error('PropertyValueNotInList', [String(body.EventFormatType), 'EventFormatType'], {
        related: ['#/EventFormatType'],
      });
    const retryPolicy = body.DeliveryRetryPolicy ?? 'TerminateAfterRetries';
    if (typeof retryPolicy !== 'string' || !RETRY_POLICIES.includes(retryPolicy))
      throw this.errors.error('PropertyValueNotInList', [String(retryPolicy), 'DeliveryRetryPolicy'], {
        related: ['#/DeliveryRetryPolicy'],
      });
    const s: Subscription = {
      id: String(this.nextSubId++),
      type: 'RedfishEvent',
      destination,
      context,
      eventTypes: this.stringList(body, 'EventTypes', EVENT_TYPES),
      registryPrefixes: this.stringList(body, 'RegistryPrefixes', REGISTRY_PREFIXES),
      messageIds: this.stringList(body, 'MessageIds'),
      resourceTypes: this.stringList(body, 'ResourceTypes', RESOURCE_TYPES),
      httpHeaders: this.headers(body.HttpHeaders),
      retryPolicy,
      enabled: true,
      queue: Promise.resolve(),
    };
    this.subs.set(s.id, s);
    return {
      status: 201,
      headers: { ...JSON_HEADERS, Location: this.o.url(`${SUBSCRIPTIONS}/${s.id}`) },
      body: this.subscriptionDoc(s),
    };
  }

  private patchSubscription(s: Subscription, body: JsonObject): HandlerResult {
    const doc = this.subscriptionDoc(s);
    const changes: (() => void)[] = [];
    for (const [k, v] of Object.entries(body)) {
      if (k === 'Context') {
        if (typeof v !== 'string' || v.length > 256)
          throw this.errors.error('PropertyValueFormatError', [JSON.stringify(v), k], {
            related: ['#/Context'],
          });
        changes.push(() => (s.context = v));
      } else if (k === 'DeliveryRetryPolicy') {
        if (typeof v !== 'string' || !RETRY_POLICIES.includes(v))
          throw this.errors.error('PropertyValueNotInList', [String(v), k], { related: [`#/${k}`] });
        changes.push(() => (s.retryPolicy = v));
      } else if (k === 'HttpHeaders') {
        const h = this.headers(v);
        changes.push(() => (s.httpHeaders = h));
      } else if (k in doc) throw this.errors.error('PropertyNotWritable', [k], { related: [`#/${k}`] });
      else throw this.errors.error('PropertyUnknown', [k], { related: [`#/${k}`] });
    }
    for (const c of changes) c();
    // A client re-enabling a suspended subscription by touching it is how bmcweb resumes one.
    if (!s.enabled && s.type === 'RedfishEvent') s.enabled = true;
    return undefined;
  }

  private patchService(body: JsonObject): HandlerResult {
    const doc = this.serviceDoc();
    const changes: (() => void)[] = [];
    for (const [k, v] of Object.entries(body)) {
      if (k === 'ServiceEnabled') {
        if (typeof v !== 'boolean') throw this.errors.error('PropertyValueTypeError', [JSON.stringify(v), k]);
        changes.push(() => (this.serviceEnabled = v));
      } else if (k === 'DeliveryRetryAttempts' || k === 'DeliveryRetryIntervalSeconds') {
        if (typeof v !== 'number' || !Number.isInteger(v))
          throw this.errors.error('PropertyValueTypeError', [JSON.stringify(v), k], { related: [`#/${k}`] });
        const [min, max] = k === 'DeliveryRetryAttempts' ? [1, 10] : [1, 3600];
        if (v < min || v > max)
          throw this.errors.error('PropertyValueOutOfRange', [String(v), k], { related: [`#/${k}`] });
        changes.push(() =>
          k === 'DeliveryRetryAttempts' ? (this.retryAttempts = v) : (this.retryIntervalS = v),
        );
      } else if (k in doc) throw this.errors.error('PropertyNotWritable', [k], { related: [`#/${k}`] });
      else throw this.errors.error('PropertyUnknown', [k], { related: [`#/${k}`] });
    }
    for (const c of changes) c();
    return undefined;
  }

  private submitTest(ctx: RequestContext): HandlerResult {
    const body = this.body(ctx);
    const action = 'EventService.SubmitTestEvent';
    const params = [
      'EventType',
      'EventId',
      'EventTimestamp',
      'EventGroupId',
      'Message',
      'MessageArgs',
      'MessageId',
      'MessageSeverity',
      'Severity',
      'OriginOfCondition',
    ];
    for (const k of Object.keys(body))
      if (!params.includes(k)) throw this.errors.error('ActionParameterUnknown', [action, k]);
    const text = (k: string, fallback: string): string => {
      const v = body[k];
      if (v === undefined) return fallback;
      if (typeof v !== 'string')
        throw this.errors.error('ActionParameterValueTypeError', [JSON.stringify(v), k, action]);
      return v;
    };
    const severity = text('MessageSeverity', text('Severity', 'OK'));
    if (!['OK', 'Warning', 'Critical'].includes(severity))
      throw this.errors.error('ActionParameterValueNotInList', [severity, 'MessageSeverity', action]);
    const args = body.MessageArgs ?? [];
    if (!Array.isArray(args) || args.some((a) => typeof a !== 'string'))
      throw this.errors.error('ActionParameterValueTypeError', [JSON.stringify(args), 'MessageArgs', action]);
    const eventType = text('EventType', 'Other');
    if (!EVENT_TYPES.includes(eventType))
      throw this.errors.error('ActionParameterValueNotInList', [eventType, 'EventType', action]);
    const rec = this.record({
      EventType: eventType,
      MessageId: text('MessageId', `ResourceEvent.${RESOURCE_EVENT_VERSION}.TestMessage`),
      Message: text('Message', RESOURCE_EVENT.TestMessage.Message),
      MessageArgs: args as string[],
      Severity: severity,
      origin: text('OriginOfCondition', this.o.systemPath),
    });
    rec.EventId = text('EventId', rec.EventId);
    rec.EventTimestamp = text('EventTimestamp', rec.EventTimestamp);
    // A test event reaches every subscription whatever its filters (bmcweb's sendTestEventLog).
    for (const s of this.subs.values()) this.deliver(s, rec);
    return undefined;
  }

  // ------------------------------------------------------------------ SSE

  /** The response to a GET of the SSE URI: a stream that stays open until either side ends it. */
  openStream(ctx: RequestContext): SimResponse {
    const accept = String(ctx.req.headers.accept ?? '*/*');
    if (!/text\/event-stream|\*\/\*|text\/\*/i.test(accept))
      throw this.errors.error('GeneralError', [], { status: 406 });
    const s: Subscription = {
      id: String(this.nextSubId++),
      type: 'SSE',
      context: '',
      eventTypes: [],
      registryPrefixes: [],
      messageIds: [],
      resourceTypes: [],
      httpHeaders: {},
      retryPolicy: 'TerminateAfterRetries',
      enabled: true,
      queue: Promise.resolve(),
    };
    this.subs.set(s.id, s);
    return {
      status: 200,
      headers: {
        'Content-Type': 'text/event-stream; charset=utf-8',
        'Cache-Control': 'no-cache',
        'OData-Version': '4.0',
      },
      stream: (sink) => {
        if (!this.subs.has(s.id)) {
          sink.end();
          return;
        }
        s.sse = sink;
        sink.onClose(() => {
          s.sse = undefined; // the client went away: nothing to end
          this.remove(s);
        });
        // A comment at once: the client sees the stream is live before the first event.
        sink.write(': stream open\n\n');
        this.keepAlive(s);
      },
    };
  }

  private keepAlive(s: Subscription): void {
    s.keepAlive = this.o.machine.clock.setTimer(SSE_KEEPALIVE_MS, () => {
      if (!s.sse) return;
      s.sse.write(': keep-alive\n\n');
      this.keepAlive(s);
    });
  }

  // ------------------------------------------------------------------ delivery

  private remove(s: Subscription): void {
    this.subs.delete(s.id);
    s.retryTimer?.cancel();
    s.keepAlive?.cancel();
    const sink = s.sse;
    s.sse = undefined;
    sink?.end();
  }

  private record(e: {
    EventType: string;
    MessageId: string;
    Message: string;
    MessageArgs: string[];
    Severity: string;
    origin: string;
  }): EventRecord {
    const id = String(this.nextEventId++);
    return {
      EventType: e.EventType,
      EventId: id,
      EventTimestamp: isoTime(this.o.machine.clock.now()),
      Severity: e.Severity,
      MessageSeverity: e.Severity,
      Message: e.Message,
      MessageId: e.MessageId,
      MessageArgs: e.MessageArgs,
      OriginOfCondition: { '@odata.id': this.o.url(e.origin) },
    };
  }

  private publish(e: Parameters<EventService['record']>[0] & { resourceType: string }): void {
    if (this.disposed || this.subs.size === 0) return;
    const rec = this.record(e);
    for (const s of this.subs.values()) if (this.matches(s, rec, e.resourceType)) this.deliver(s, rec);
  }

  private matches(s: Subscription, rec: EventRecord, resourceType: string): boolean {
    const parts = rec.MessageId.split('.');
    const prefix = parts[0] ?? '';
    const key = parts[parts.length - 1] ?? '';
    if (s.registryPrefixes.length && !s.registryPrefixes.includes(prefix)) return false;
    // MessageIds match with or without the registry version (`ResourceEvent.ResourcePoweredOn`).
    if (s.messageIds.length && !s.messageIds.some((m) => m === rec.MessageId || m === `${prefix}.${key}`))
      return false;
    if (s.resourceTypes.length && !s.resourceTypes.includes(resourceType)) return false;
    if (s.eventTypes.length && !s.eventTypes.includes(rec.EventType)) return false;
    return true;
  }

  private payload(s: Subscription, rec: EventRecord): string {
    return JSON.stringify({
      '@odata.type': '#Event.v1_7_0.Event',
      Id: rec.EventId,
      Name: 'Event Log',
      Context: s.context,
      Events: [{ ...rec, MemberId: '0' }],
      'Events@odata.count': 1,
    });
  }

  private deliver(s: Subscription, rec: EventRecord): void {
    if (!this.serviceEnabled || !s.enabled) return;
    const body = this.payload(s, rec);
    if (s.type === 'SSE') {
      s.sse?.write(`id: ${rec.EventId}\ndata: ${body}\n\n`);
      return;
    }
    const destination = s.destination as string;
    s.queue = s.queue.then(() => this.attempt(s, destination, body, 0));
  }

  /** One POST; on failure, the next try after the retry interval (the queue waits for it). */
  private attempt(s: Subscription, destination: string, body: string, failures: number): Promise<void> {
    if (this.disposed || !this.subs.has(s.id) || !s.enabled) return Promise.resolve();
    return this.poster.post(destination, body, s.httpHeaders).then((ok) => {
      if (ok || this.disposed || !this.subs.has(s.id)) return;
      const failed = failures + 1;
      if (failed > this.retryAttempts && s.retryPolicy !== 'RetryForever') {
        if (s.retryPolicy === 'TerminateAfterRetries') this.remove(s);
        else s.enabled = false;
        return;
      }
      return new Promise<void>((resolve) => {
        s.retryTimer = this.o.machine.clock.setTimer(this.retryIntervalS * 1000, () => {
          s.retryTimer = undefined;
          resolve(this.attempt(s, destination, body, failed));
        });
      });
    });
  }
}

const POWER_MESSAGES: Record<PowerState, keyof typeof RESOURCE_EVENT> = {
  On: 'ResourcePoweredOn',
  Off: 'ResourcePoweredOff',
  PoweringOn: 'ResourcePoweringOn',
  PoweringOff: 'ResourcePoweringOff',
};

function canParseUrl(s: string): boolean {
  try {
    new URL(s);
    return true;
  } catch {
    return false;
  }
}
