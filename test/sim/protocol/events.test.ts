/**
 * The EventService against a real simulator and a real listener on loopback: subscriptions get
 * HTTP POSTs for power changes, new log entries and test events (filtered as asked); SSE streams where
 * the personality has them (the Protocol-Validator's SERV_SSE_* assertions); failed deliveries retried
 * then ended per DeliveryRetryPolicy (on the machine's manual clock).
 */
import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import { request as httpsRequest } from 'node:https';
import type { IncomingMessage } from 'node:http';
import { Bmc, PERSONALITIES, startFleet, type Fleet, type Login } from './harness.js';
import { Listener } from './listener.js';
import { waitFor } from '../http.js';
import { makeBmc } from '../redfish/helpers.js';
import { RedfishSchemas } from '../redfish/schema.js';

let fleet: Fleet;
let listener: Listener;
let schemas: RedfishSchemas;
beforeAll(async () => {
  [fleet, listener] = await Promise.all([startFleet(), new Listener().start()]);
  schemas = new RedfishSchemas();
});
afterAll(async () => {
  await Promise.all([fleet.sim.stop(), listener.stop()]);
});

type Json = Record<string, unknown>;
const id = (v: unknown): string => String((v as { '@odata.id': string })['@odata.id']).replace(/\/+$/, '');

async function systemOf(bmc: Bmc): Promise<string> {
  const root = await bmc.doc('/redfish/v1/');
  return id(((await bmc.doc(id(root.Systems))).Members as unknown[])[0]);
}

async function subscribe(bmc: Bmc, body: Json): Promise<string> {
  const r = await bmc.request('POST', '/redfish/v1/EventService/Subscriptions', 'admin', { body });
  expect([r.status, r.text]).toEqual([201, expect.any(String)]);
  return new URL(String(r.headers.location), bmc.base).pathname;
}

async function reset(bmc: Bmc, system: string, type: string): Promise<void> {
  const r = await bmc.request('POST', `${system}/Actions/ComputerSystem.Reset`, 'admin', {
    body: { ResetType: type },
  });
  expect([type, r.status < 300 ? 'ok' : r.text]).toEqual([type, 'ok']);
}

/**
 * ForceOff, then On once the BMC takes it (it refuses On with 409 while the host is still powering off,
 * even where the System already reports Off).
 */
async function powerCycle(
  bmc: Bmc,
  system: string,
  auth: Parameters<Bmc['doc']>[1] = 'admin',
): Promise<void> {
  await reset(bmc, system, 'ForceOff');
  await waitFor(async () => {
    const r = await bmc.request('POST', `${system}/Actions/ComputerSystem.Reset`, auth, {
      body: { ResetType: 'On' },
    });
    return r.status < 300;
  });
  await waitFor(async () => (await bmc.doc(system, auth)).PowerState === 'On');
}

for (const p of PERSONALITIES) {
  describe(`${p}: event subscriptions`, () => {
    it('power changes and their log entries reach the listener in order, with the subscription Context and HttpHeaders', async () => {
      const bmc = new Bmc(fleet, p);
      const path = `/all/${p}`;
      const sub = await subscribe(bmc, {
        Destination: listener.url(path),
        Protocol: 'Redfish',
        Context: `ctx-${p}`,
        HttpHeaders: [{ 'X-Listener-Token': 'tok-1' }],
      });
      const doc = await bmc.doc(sub);
      expect(doc.HttpHeaders).toEqual([]); // write-only: never read back
      expect(await schemas.validate(doc)).toEqual([]);
      const system = await systemOf(bmc);
      await reset(bmc, system, 'ForceOff');
      await waitFor(() => listener.events(path).some((e) => e.MessageId.endsWith('.ResourcePoweredOff')));
      await reset(bmc, system, 'On');
      await waitFor(() => listener.events(path).some((e) => e.MessageId.endsWith('.ResourcePoweredOn')));
      const events = listener.events(path);
      const ids = events.map((e) => e.MessageId);
      expect(ids.indexOf(ids.find((m) => m.endsWith('.ResourcePoweredOff')) ?? '')).toBeLessThan(
        ids.indexOf(ids.find((m) => m.endsWith('.ResourcePoweredOn')) ?? ''),
      );
      for (const e of events) {
        expect(e.Context).toBe(`ctx-${p}`);
        expect(e.headers['x-listener-token']).toBe('tok-1');
      }
      // event ids increase (delivery in order)
      const eventIds = events.map((e) => Number(e.EventId));
      expect([...eventIds].sort((a, b) => a - b)).toEqual(eventIds);
      const power = events.find((e) => e.MessageId.endsWith('.ResourcePoweredOn'));
      expect(id(power?.OriginOfCondition)).toBe(system);
      // a new log entry is an event pointing at the entry, which the BMC serves
      const log = events.find((e) => e.MessageId.startsWith('HwctlSim.'));
      expect(log).toBeDefined();
      const entry = await bmc.doc(id(log?.OriginOfCondition));
      expect(entry.MessageId).toBe(log?.MessageId);
      expect(await schemas.validate(listener.received.find((r) => r.path === path)?.body)).toEqual([]);
      expect((await bmc.request('DELETE', sub)).status).toBeLessThan(300);
    });

    it('filters: RegistryPrefixes and MessageIds select events; SubmitTestEvent reaches every subscription', async () => {
      const bmc = new Bmc(fleet, p);
      const only = `/resource-event/${p}`;
      const byId = `/by-id/${p}`;
      const a = await subscribe(bmc, {
        Destination: listener.url(only),
        Protocol: 'Redfish',
        RegistryPrefixes: ['ResourceEvent'],
      });
      const b = await subscribe(bmc, {
        Destination: listener.url(byId),
        Protocol: 'Redfish',
        MessageIds: ['ResourceEvent.ResourcePoweredOff'],
      });
      const bad = await bmc.request('POST', '/redfish/v1/EventService/Subscriptions', 'admin', {
        body: { Destination: listener.url('/x'), Protocol: 'Redfish', RegistryPrefixes: ['Nope'] },
      });
      expect(bad.status).toBe(400);
      const system = await systemOf(bmc);
      await powerCycle(bmc, system);
      await waitFor(() => listener.events(only).some((e) => e.MessageId.endsWith('.ResourcePoweredOn')));
      const test = await bmc.request(
        'POST',
        '/redfish/v1/EventService/Actions/EventService.SubmitTestEvent',
        'admin',
        {
          body: { MessageId: 'ResourceEvent.1.3.0.TestMessage', Message: 'hello from the test' },
        },
      );
      expect(test.status).toBeLessThan(300);
      await waitFor(() => listener.events(byId).some((e) => e.Message === 'hello from the test'));
      await waitFor(() => listener.events(only).some((e) => e.Message === 'hello from the test'));
      expect(listener.events(only).every((e) => e.MessageId.startsWith('ResourceEvent.'))).toBe(true);
      expect(listener.events(byId).map((e) => e.MessageId.split('.').pop())).toEqual([
        'ResourcePoweredOff',
        'TestMessage',
      ]);
      const badTest = await bmc.request(
        'POST',
        '/redfish/v1/EventService/Actions/EventService.SubmitTestEvent',
        'admin',
        { body: { Bogus: 1 } },
      );
      expect(badTest.status).toBe(400);
      for (const s of [a, b]) expect((await bmc.request('DELETE', s)).status).toBeLessThan(300);
    });
  });
}

// ------------------------------------------------------------------ SSE

interface Stream {
  res: IncomingMessage;
  text: () => string;
  ended: Promise<void>;
  close: () => void;
}

function openStream(bmc: Bmc, uri: string, headers: Record<string, string>): Promise<Stream> {
  return new Promise((resolve, reject) => {
    const req = httpsRequest(`${bmc.base}${uri}`, { ca: fleet.ca, headers, agent: false }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      const ended = new Promise<void>((r) => res.on('close', () => r()));
      resolve({ res, text: () => text, ended, close: () => req.destroy() });
    });
    req.on('error', reject);
    req.end();
  });
}

function sseEvents(text: string): { id?: string; data: string }[] {
  return text
    .split('\n\n')
    .filter((block) => block.includes('data:'))
    .map((block) => {
      const lines = block.split('\n');
      return {
        id: lines
          .find((l) => l.startsWith('id:'))
          ?.slice(3)
          .trim(),
        data: lines
          .filter((l) => l.startsWith('data:'))
          .map((l) => l.slice(5).trim())
          .join('\n'),
      };
    });
}

async function sseSubscriptions(bmc: Bmc, s: Login): Promise<string[]> {
  const c = await bmc.doc('/redfish/v1/EventService/Subscriptions', s);
  const out: string[] = [];
  for (const m of c.Members as unknown[])
    if ((await bmc.doc(id(m), s)).SubscriptionType === 'SSE') out.push(id(m));
  return out;
}

for (const p of PERSONALITIES) {
  describe(`${p}: Server-Sent Events`, () => {
    it(
      p === 'ilo'
        ? 'iLO 5 has no SSE: no ServerSentEventUri'
        : 'the stream: content type, event ids and JSON Event data, an EventDestination while open, gone when closed (SERV_SSE_*)',
      async () => {
        const bmc = new Bmc(fleet, p);
        const es = await bmc.doc('/redfish/v1/EventService');
        if (p === 'ilo') {
          expect(es.ServerSentEventUri).toBeUndefined();
          expect((await bmc.get('/redfish/v1/EventService/SSE')).status).toBe(404);
          return;
        }
        const uri = String(es.ServerSentEventUri);
        const s = await bmc.login();
        try {
          const refused = await bmc.get(uri, s, { headers: { Accept: 'application/json' } });
          expect(refused.status).toBeGreaterThanOrEqual(400);
          expect(refused.headers['content-type']).toMatch(/^application\/json/);
          expect(refused.json().error).toEqual(expect.objectContaining({ code: expect.any(String) }));
          expect(await sseSubscriptions(bmc, s)).toEqual([]);

          const stream = await openStream(bmc, uri, { 'X-Auth-Token': s.token, Accept: 'text/event-stream' });
          expect(stream.res.statusCode).toBe(200);
          expect(stream.res.headers['content-type']).toMatch(/^text\/event-stream/);
          await waitFor(async () => (await sseSubscriptions(bmc, s)).length === 1);
          const [dest] = await sseSubscriptions(bmc, s);
          expect(typeof (await bmc.doc(dest ?? '', s)).Context).toBe('string');

          const system = await systemOf(bmc);
          await powerCycle(bmc, system, s);
          await bmc.request('POST', '/redfish/v1/EventService/Actions/EventService.SubmitTestEvent', s, {
            body: {},
          });
          await waitFor(() => sseEvents(stream.text()).some((e) => e.data.includes('TestMessage')));
          const events = sseEvents(stream.text());
          const ids = events.map((e) => e.id);
          expect(ids.every((i) => i !== undefined)).toBe(true);
          expect(new Set(ids).size).toBe(ids.length);
          for (const e of events) expect((JSON.parse(e.data) as Json)['@odata.type']).toMatch(/^#Event\./);
          expect(events.some((e) => e.data.includes('ResourcePoweredOn'))).toBe(true);

          // closing the stream deletes its EventDestination
          stream.close();
          await waitFor(async () => (await sseSubscriptions(bmc, s)).length === 0);

          // deleting the EventDestination closes the stream
          const second = await openStream(bmc, uri, { 'X-Auth-Token': s.token });
          await waitFor(async () => (await sseSubscriptions(bmc, s)).length === 1);
          const [d2] = await sseSubscriptions(bmc, s);
          expect((await bmc.request('DELETE', d2 ?? '', s)).status).toBeLessThan(300);
          await second.ended;
        } finally {
          await bmc.logout(s);
        }
      },
    );

    if (p !== 'ilo')
      it('ending the session that opened a stream does not cut it (SEC_SESSION_TERMINATION_SIDE_EFFECTS)', async () => {
        const bmc = new Bmc(fleet, p);
        const uri = String((await bmc.doc('/redfish/v1/EventService')).ServerSentEventUri);
        const s = await bmc.login();
        const stream = await openStream(bmc, uri, { 'X-Auth-Token': s.token });
        await bmc.logout(s);
        await bmc.request('POST', '/redfish/v1/EventService/Actions/EventService.SubmitTestEvent', 'admin', {
          body: { Message: 'after logout' },
        });
        await waitFor(() => stream.text().includes('after logout'));
        stream.close();
        await stream.ended;
      });
  });
}

describe('delivery retries (manual clock)', () => {
  it('a failing listener is retried DeliveryRetryAttempts times, DeliveryRetryIntervalSeconds apart, then the subscription ends (TerminateAfterRetries) or is disabled (SuspendRetries)', async () => {
    const b = makeBmc('openbmc');
    const failing = await new Listener().start();
    failing.status = 500;
    try {
      expect(
        b.call('PATCH', '/redfish/v1/EventService', {
          body: { DeliveryRetryAttempts: 2, DeliveryRetryIntervalSeconds: 10 },
        }).status,
      ).toBeLessThan(300);
      const mk = (path: string, policy: string): string => {
        const r = b.call('POST', '/redfish/v1/EventService/Subscriptions', {
          body: { Destination: failing.url(path), Protocol: 'Redfish', DeliveryRetryPolicy: policy },
        });
        expect(r.status).toBe(201);
        return String(r.headers?.Location);
      };
      const base = b.clock.pendingTimers();
      const term = mk('/term', 'TerminateAfterRetries');
      const susp = mk('/susp', 'SuspendRetries');
      b.call('POST', '/redfish/v1/EventService/Actions/EventService.SubmitTestEvent', { body: {} });
      const hits = (path: string) => failing.received.filter((r) => r.path === path).length;
      // both POSTs failed and each subscription armed its retry timer
      await waitFor(() => b.clock.pendingTimers() === base + 2);
      expect([hits('/term'), hits('/susp')]).toEqual([1, 1]);
      b.clock.advance(9_000);
      await new Promise((r) => setTimeout(r, 50));
      expect(hits('/term')).toBe(1); // not before the interval
      b.clock.advance(1_000);
      await waitFor(() => hits('/term') === 2 && hits('/susp') === 2 && b.clock.pendingTimers() === base + 2);
      b.clock.advance(10_000);
      await waitFor(() => hits('/term') === 3 && hits('/susp') === 3);
      await waitFor(() => b.get(term).status === 404);
      await waitFor(() => (b.doc(susp).Status as Json).State === 'Disabled');
      const suspended = b.doc(susp);
      expect((suspended.Status as Json).State).toBe('Disabled');
      // a disabled subscription gets nothing more
      b.call('POST', '/redfish/v1/EventService/Actions/EventService.SubmitTestEvent', { body: {} });
      await new Promise((r) => setTimeout(r, 100));
      expect(hits('/susp')).toBe(3);
    } finally {
      b.fe.dispose?.();
      await failing.stop();
    }
  });
});

describe('SSE under an injected body fault', () => {
  it('a stream the fault cut leaves no EventDestination behind', async () => {
    const bmc = new Bmc(fleet, 'openbmc');
    const node = fleet.sim.nodes.find((n) => n.personality === 'openbmc')?.name ?? '';
    fleet.sim.admin.setFaults({ malformedJson: 1, pathPattern: '/EventService/SSE$' }, node);
    try {
      const r = await bmc.get('/redfish/v1/EventService/SSE', 'admin', {
        headers: { Accept: 'text/event-stream' },
      });
      expect(r.status).toBe(200);
      const subs = await bmc.doc('/redfish/v1/EventService/Subscriptions');
      expect(subs.Members).toEqual([]);
    } finally {
      fleet.sim.admin.clearFaults(node);
    }
  });
});
