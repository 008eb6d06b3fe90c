/**
 * The identify LED on Redfish: `LocationIndicatorActive` (bool) where the resource has it, else the
 * deprecated `IndicatorLED` (Off/Lit/Blinking); on the System first, then on its Chassis (Lenovo and NVIDIA
 * have it only there). bmcweb leaves the property out when no LED exists, so presence is what counts.
 *
 * `blink` uses IndicatorLED=Blinking where the resource offers IndicatorLED; with LocationIndicatorActive
 * only, it sets that to true and the BMC decides how the LED shows it. A set is read back: from the PATCH
 * answer when it carries the resource, else with one GET. A LED already in the asked state is not written.
 */
import { NodeError, isNodeError } from '../../core/errors.js';
import type { NodeContext } from '../../engine/executor.js';
import { redfishClient, type RedfishClient, type RedfishResource, isRecord } from '../../bmc/index.js';
import type { BeaconExecutor, BeaconSetOutcome, BeaconStatus, BeaconTarget } from '../../managers/beacon.js';

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
 * The LED as a BeaconStatus. LocationIndicatorActive says whether identify is on; where the resource also
 * has IndicatorLED, it tells steady from blinking (bmcweb reports Blinking while identify is active), so
 * `on` that the BMC shows as blinking reads `blink`. `prop` forces one property (the one just written).
 */
export function ledStatus(doc: RedfishResource, path: string, prop?: LedProperty): BeaconStatus {
  if (prop === LED && prop in doc) return indicatorStatus(doc[LED], `${path} ${LED}`);
  if (hasLia(doc)) {
    const raw: unknown = doc[LIA];
    const source = `${path} ${LIA}`;
    if (typeof raw !== 'boolean') return { display: 'unknown', source, raw: null };
    if (raw && doc[LED] === 'Blinking')
      return {
        display: 'blink',
        active: true,
        blinking: true,
        source: `${source}, ${LED}`,
        raw: { [LIA]: raw, [LED]: doc[LED] },
      };
    return { display: raw ? 'on' : 'off', active: raw, source, raw };
  }
  if (hasIndicator(doc)) return indicatorStatus(doc[LED], `${path} ${LED}`);
  return { display: 'unknown', source: `${path} (no ${LIA} or ${LED})` };
}

interface LedSpot {
  path: string;
  doc: RedfishResource;
}

/** The resource holding the LED: the System, else the first of its Chassis that has one. */
async function locate(client: RedfishClient): Promise<LedSpot> {
  const system = await client.system();
  const systemPath = system['@odata.id'] ?? 'the System';
  if (hasLia(system) || hasIndicator(system)) return { path: systemPath, doc: system };
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

class RedfishBeaconExecutor implements BeaconExecutor {
  readonly capability = 'beacon' as const;
  readonly flavor = 'redfish';

  async getBeacon(_args: undefined, ctx: NodeContext): Promise<BeaconStatus> {
    const spot = await locate(await redfishClient(ctx));
    return ledStatus(spot.doc, spot.path);
  }

  async setBeacon(args: { target: BeaconTarget }, ctx: NodeContext): Promise<BeaconSetOutcome> {
    const client = await redfishClient(ctx);
    const spot = await locate(client);
    const prop: LedProperty =
      args.target === 'blink' ? (hasIndicator(spot.doc) ? LED : LIA) : hasLia(spot.doc) ? LIA : LED;
    const value: boolean | string = prop === LIA ? args.target !== 'off' : INDICATOR_VALUE[args.target];
    if (spot.doc[prop] === value) return { status: ledStatus(spot.doc, spot.path, prop) };

    const bodyEtag = spot.doc['@odata.etag'];
    const res = await client.patch(
      spot.path,
      { [prop]: value },
      typeof bodyEtag === 'string' && bodyEtag ? { etag: bodyEtag } : {},
    );
    const after = res.body && prop in res.body ? res.body : await client.get(spot.path);
    return { status: ledStatus(after, spot.path, prop), sent: `${prop}=${String(value)}` };
  }
}

const executor: BeaconExecutor = new RedfishBeaconExecutor();
export default executor;
