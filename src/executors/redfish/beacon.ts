/**
 * The identify LED on Redfish: `LocationIndicatorActive` (bool), on the System. BMCs that predate it (only
 * the deprecated `IndicatorLED`, Off/Lit/Blinking) and BMCs with the LED on the Chassis only are quirks
 * (quirks.ts `led-indicator-only`, `led-on-chassis`). bmcweb leaves a property out when no LED exists, so
 * presence is what counts.
 *
 * The state printed is the property that on/off drive, read back: LocationIndicatorActive wherever the
 * resource has it, so `rbeacon on`, `rbeacon stat` and `rvitals leds` (src/executors/redfish/sensors.ts)
 * agree. IndicatorLED is not consulted then: bmcweb reports it Blinking whenever identify is on, which says
 * how the LED shows identify, not what was asked. `blink` writes IndicatorLED=Blinking where the resource
 * has IndicatorLED and reads that back; with LocationIndicatorActive only, it sets that to true and the BMC
 * decides how the LED shows it. A set is read back: from the PATCH answer when it carries the resource,
 * else with one GET. A LED already in the asked state is not written.
 */
import { NodeError, isNodeError } from '../../core/errors.js';
import type { NodeContext } from '../../engine/executor.js';
import { redfishClient, type RedfishClient, type RedfishResource, isRecord } from '../../bmc/index.js';
import type { BeaconExecutor, BeaconSetOutcome, BeaconStatus, BeaconTarget } from '../../managers/beacon.js';
import { ifMatchFor, redfishQuirks, type NodeQuirks } from './quirks.js';

const LIA = 'LocationIndicatorActive';
const LED = 'IndicatorLED';
type LedProperty = typeof LIA | typeof LED;

const INDICATOR_VALUE: Record<BeaconTarget, string> = { on: 'Lit', off: 'Off', blink: 'Blinking' };

function links(v: unknown): string[] {
  return Array.isArray(v)
    ? v
        .map((x) => (isRecord(x) && typeof x['@odata.id'] === 'string' ? x['@odata.id'] : undefined))
        .filter((x): x is string => x !== undefined)
    : [];
}

const hasLia = (doc: RedfishResource) => typeof doc[LIA] === 'boolean' || (LIA in doc && doc[LIA] === null);
const hasIndicator = (doc: RedfishResource) =>
  typeof doc[LED] === 'string' || (LED in doc && doc[LED] === null);

function indicatorStatus(raw: unknown, source: string): BeaconStatus {
  switch (raw) {
    case 'Lit':
      return { display: 'on', active: true, blinking: false, source, raw };
    case 'Blinking':
      return { display: 'blink', active: true, blinking: true, source, raw };
    case 'Off':
      return { display: 'off', active: false, source, raw };
    default:
      return { display: typeof raw === 'string' ? raw.toLowerCase() : 'unknown', source, raw: raw ?? null };
  }
}

/**
 * The LED as a BeaconStatus, from `prop`: the property just written, else the one that says whether identify
 * is on (LocationIndicatorActive where the resource has it, else IndicatorLED).
 */
export function ledStatus(
  doc: RedfishResource,
  path: string,
  prop: LedProperty = ledProperty(doc),
): BeaconStatus {
  if (prop === LED) return indicatorStatus(doc[LED], `${path} ${LED}`);
  const raw: unknown = doc[LIA];
  const source = `${path} ${LIA}`;
  if (typeof raw !== 'boolean') return { display: 'unknown', source, raw: null };
  return { display: raw ? 'on' : 'off', active: raw, source, raw };
}

/** The property that tells and sets whether identify is on. */
const ledProperty = (doc: RedfishResource): LedProperty => (hasLia(doc) ? LIA : LED);

interface LedSpot {
  path: string;
  doc: RedfishResource;
}

/** The resource holding the LED: the System, else (quirk led-on-chassis) the first of its Chassis with one. */
async function locate(client: RedfishClient, quirks: NodeQuirks): Promise<LedSpot> {
  const system = await client.system();
  const systemPath = system['@odata.id'] ?? 'the System';
  if (hasLia(system) || hasIndicator(system)) return { path: systemPath, doc: system };
  const none = `No identify LED on this BMC: ${systemPath} has neither ${LIA} nor ${LED}`;
  if (!(await quirks.has('led-on-chassis', { system }))) throw new NodeError('unsupported', none);
  const problems: string[] = [];
  const chassisLinks = links(isRecord(system.Links) ? system.Links.Chassis : undefined);
  if (chassisLinks.length > 0) {
    for (const path of chassisLinks) {
      try {
        const doc = await client.get(path);
        if (hasLia(doc) || hasIndicator(doc)) return { path: doc['@odata.id'] ?? path, doc };
      } catch (e) {
        if (!isNodeError(e) || e.status === undefined) throw e;
        problems.push(`Chassis link ${path}: ${e.message}`);
      }
    }
  } else {
    for (const doc of await client.chassis()) {
      if (hasLia(doc) || hasIndicator(doc)) return { path: doc['@odata.id'] ?? 'a Chassis', doc };
    }
  }
  const extra = problems.length > 0 ? ` (${problems.join('; ')})` : '';
  throw new NodeError(
    'unsupported',
    `No identify LED on this BMC: neither ${systemPath} nor its Chassis has ${LIA} or ${LED}${extra}`,
  );
}

/** A resource with IndicatorLED only is driven through it when the quirk is on; else generic says no. */
async function checkProperty(spot: LedSpot, quirks: NodeQuirks): Promise<void> {
  if (hasLia(spot.doc) || (await quirks.has('led-indicator-only', { doc: spot.doc }))) return;
  throw new NodeError(
    'unsupported',
    `${spot.path} has no ${LIA}, only the deprecated ${LED} (used unless --no-quirks)`,
  );
}

class RedfishBeaconExecutor implements BeaconExecutor {
  readonly capability = 'beacon' as const;
  readonly flavor = 'redfish';

  async getBeacon(_args: undefined, ctx: NodeContext): Promise<BeaconStatus> {
    const quirks = redfishQuirks(ctx);
    const spot = await locate(await redfishClient(ctx), quirks);
    await checkProperty(spot, quirks);
    return ledStatus(spot.doc, spot.path);
  }

  async setBeacon(args: { target: BeaconTarget }, ctx: NodeContext): Promise<BeaconSetOutcome> {
    const client = await redfishClient(ctx);
    const quirks = redfishQuirks(ctx);
    const spot = await locate(client, quirks);
    // Blinking is IndicatorLED's alone: the standard way to blink, wherever the resource has it.
    const blinkVia = args.target === 'blink' && hasIndicator(spot.doc);
    if (!blinkVia) await checkProperty(spot, quirks);
    const prop: LedProperty = blinkVia ? LED : ledProperty(spot.doc);
    const value: boolean | string = prop === LIA ? args.target !== 'off' : INDICATOR_VALUE[args.target];
    if (spot.doc[prop] === value) return { status: ledStatus(spot.doc, spot.path, prop) };

    const res = await client.patch(spot.path, { [prop]: value }, await ifMatchFor(spot.doc, quirks));
    const after = res.body && prop in res.body ? res.body : await client.get(spot.path);
    return { status: ledStatus(after, spot.path, prop), sent: `${prop}=${String(value)}` };
  }
}

const executor: BeaconExecutor = new RedfishBeaconExecutor();
export default executor;
