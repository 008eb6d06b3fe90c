/**
 * Applying the layers to one node: node entry > its groups (in the order the node lists them, first
 * wins) > defaults. Scalar settings take the first layer that sets them; `attrs` and `timeouts` merge key
 * by key with the same precedence. Templates are rendered here, with the node's name and bracket values.
 */
import type { SourceLocation } from '../core/errors.js';
import type { AuthMode, Flavor, NodeDef, SecretRef, TimeoutSettings, TlsSettings } from '../core/types.js';
import {
  builtinIgnoresProxy,
  checkProxyUrl,
  renderTransportOptions,
  type TransportLayer,
} from './transport.js';
import { BmcAddressError, normalizeBmcAddress } from './address.js';
import { plaintextProblem, type Layer, type TemplateField } from './settings.js';
import { Invalid } from './source.js';
import { TemplateError, type TemplateVars } from './template.js';

const GROUP_NAME = /^[A-Za-z0-9_.][A-Za-z0-9_.-]*$/;
const DEFAULT_TLS: TlsSettings = { mode: 'verify' };

export interface NodeToResolve {
  name: string;
  /** Bracket values of the range key that produced this name ([] for a plain key). */
  values: readonly string[];
  /** The node entry's key. */
  location: SourceLocation;
}

export interface LayerSet {
  defaults: Layer;
  groups: ReadonlyMap<string, Layer>;
}

/** Render a template for a node; errors point at the `{...}` and say which node and layer. */
function render(field: TemplateField, vars: TemplateVars, layer: Layer): string {
  try {
    return field.template.render(vars);
  } catch (e) {
    if (e instanceof TemplateError) {
      throw new Invalid(
        `${field.field} template '${field.template.source}' (${layer.label}): ${e.message} (in '${e.expression}')`,
        field.locateAt(e.offset),
      );
    }
    throw e;
  }
}

/** The node's group names, rendered and validated, duplicates dropped, in the order written. */
export function nodeGroups(
  entry: Layer,
  vars: TemplateVars,
): Array<{ name: string; location: SourceLocation }> {
  const out: Array<{ name: string; location: SourceLocation }> = [];
  for (const field of entry.groups ?? []) {
    const name = render(field, vars, entry);
    if (!GROUP_NAME.test(name)) {
      const shown = field.template.constant ? `'${name}'` : `'${name}' (from '${field.template.source}')`;
      throw new Invalid(
        `node '${vars.name}': group name ${shown} must contain only letters, digits, '.', '_' and '-' and not start with '-'`,
        field.location,
      );
    }
    if (name === 'all') {
      throw new Invalid(
        `node '${vars.name}': 'all' is implicit (every node is in it); do not list it`,
        field.location,
      );
    }
    if (!out.some((g) => g.name === name)) out.push({ name, location: field.location });
  }
  return out;
}

/** A setting chosen for a node, with the layer it came from (for messages). */
interface Pick {
  field: TemplateField;
  layer: Layer;
}

/**
 * Everything about a node that depends only on which layers apply (not on the node's name): computed
 * once per distinct group list, so 4096 nodes in 64 rack groups cost 64 merges, not 4096.
 */
interface Plan {
  bmc?: Pick;
  mgt: Flavor;
  username?: Pick;
  password?: SecretRef;
  tls: TlsSettings;
  auth?: AuthMode;
  system?: Pick;
  servicenode?: Pick;
  timeouts?: Readonly<TimeoutSettings>;
  /** Each attribute once, from the most specific layer that sets it. */
  attrs: Array<[string, Pick]>;
  transport?: { value: TransportLayer; layer: Layer };
  proxy?: Pick;
}

function pick(
  chain: readonly Layer[],
  key: 'bmc' | 'username' | 'system' | 'proxy' | 'servicenode',
): Pick | undefined {
  for (const layer of chain) {
    const field = layer[key];
    if (field) return { field, layer };
  }
  return undefined;
}

function makePlan(chain: readonly Layer[]): Plan {
  const first = <K extends 'mgt' | 'password' | 'tls' | 'auth'>(key: K): Layer[K] | undefined =>
    chain.find((l) => l[key] !== undefined)?.[key];
  // Key-by-key merges: apply the least specific layer first so that more specific ones overwrite.
  let timeouts: TimeoutSettings | undefined;
  const attrs = new Map<string, Pick>();
  for (let i = chain.length - 1; i >= 0; i--) {
    const layer = chain[i]!;
    if (layer.timeouts) timeouts = { ...timeouts, ...layer.timeouts };
    for (const [key, field] of layer.attrs ?? []) attrs.set(key, { field, layer });
  }
  return {
    bmc: pick(chain, 'bmc'),
    mgt: first('mgt') ?? 'auto',
    username: pick(chain, 'username'),
    password: first('password'),
    tls: Object.freeze(first('tls') ?? DEFAULT_TLS),
    auth: first('auth'),
    system: pick(chain, 'system'),
    servicenode: pick(chain, 'servicenode'),
    timeouts: timeouts && Object.freeze(timeouts),
    attrs: [...attrs],
    ...transportPicks(chain),
  };
}

/** Resolves the nodes of one node entry (one key, possibly a range). */
export class EntryResolver {
  private readonly plans = new Map<string, Plan>();

  constructor(
    private readonly entry: Layer,
    private readonly layers: LayerSet,
  ) {}

  private plan(groupNames: readonly string[]): Plan {
    const key = groupNames.join(',');
    let plan = this.plans.get(key);
    if (!plan) {
      const chain: Layer[] = [this.entry];
      for (const g of groupNames) {
        const layer = this.layers.groups.get(g);
        if (layer) chain.push(layer);
      }
      chain.push(this.layers.defaults);
      plan = makePlan(chain);
      this.plans.set(key, plan);
    }
    return plan;
  }

  resolve(node: NodeToResolve, groupNames: string[]): NodeDef {
    const vars: TemplateVars = { name: node.name, values: node.values };
    const plan = this.plan(groupNames);
    if (!plan.bmc) {
      throw new Invalid(
        `node '${node.name}' has no bmc; set bmc on the node, on one of its groups or in defaults`,
        node.location,
      );
    }
    const def: NodeDef = {
      name: node.name,
      bmc: resolveBmc(plan.bmc.field, vars, plan.bmc.layer),
      mgt: plan.mgt,
      groups: groupNames,
      tls: plan.tls,
      attrs: {},
      source: node.location,
    };
    const plaintext = plaintextProblem(def.bmc, plan.tls);
    if (plaintext) throw new Invalid(`node '${node.name}': ${plaintext}`, plan.bmc.field.location);
    if (plan.username)
      def.username = checkUsername(
        render(plan.username.field, vars, plan.username.layer),
        plan.username.field,
        node.name,
      );
    if (plan.password) def.password = plan.password;
    if (plan.auth) def.auth = plan.auth;
    if (plan.system)
      def.system = checkSystem(
        render(plan.system.field, vars, plan.system.layer),
        plan.system.field,
        node.name,
      );
    if (plan.timeouts) def.timeouts = plan.timeouts;
    if (plan.servicenode)
      def.servicenode = checkServiceNode(
        render(plan.servicenode.field, vars, plan.servicenode.layer),
        plan.servicenode.field,
        node.name,
      );
    for (const [key, { field, layer }] of plan.attrs) def.attrs[key] = render(field, vars, layer);
    if (plan.transport) {
      const { value, layer } = plan.transport;
      def.transport = {
        name: value.name,
        options: renderTransportOptions(value, (field) => render(field, vars, layer)),
      };
    }
    // `proxy:` is for the transports that read it: a site-wide `defaults: {proxy: ...}` does not touch nodes
    // whose transport is explicitly another built-in. (With no transport at all it is kept, and refused
    // as a likely mistake once the registry checks the node: docs/plugins.md.)
    if (plan.proxy && !builtinIgnoresProxy(def.transport?.name ?? '')) {
      const { field, layer } = plan.proxy;
      try {
        def.proxy = checkProxyUrl(render(field, vars, layer));
      } catch (e) {
        if (e instanceof Invalid) throw e;
        throw new Invalid(`node '${node.name}': ${(e as Error).message}`, field.location);
      }
    }
    return def;
  }
}

/** `transport` and `proxy`: the first layer that sets each wins, as a whole value. */
function transportPicks(chain: readonly Layer[]): { transport?: Plan['transport']; proxy?: Plan['proxy'] } {
  const layer = chain.find((l) => l.transport !== undefined);
  const proxy = pick(chain, 'proxy');
  return {
    ...(layer ? { transport: { value: layer.transport!, layer } } : {}),
    ...(proxy ? { proxy } : {}),
  };
}

function resolveBmc(field: TemplateField, vars: TemplateVars, layer: Layer): string {
  if (field.normalized !== undefined) return field.normalized;
  const text = render(field, vars, layer);
  try {
    const url = normalizeBmcAddress(text);
    if (field.template.constant) field.normalized = url;
    return url;
  } catch (e) {
    if (e instanceof BmcAddressError) {
      const origin = field.template.constant
        ? ''
        : ` (from template '${field.template.source}' in ${layer.label})`;
      throw new Invalid(`node '${vars.name}': ${e.message}${origin}`, field.location);
    }
    throw e;
  }
}

function checkUsername(value: string, field: TemplateField, node: string): string {
  if (value === '') throw new Invalid(`node '${node}': username is empty`, field.location);
  // HTTP Basic auth joins user and password with ':', so a username cannot contain one.
  if (/[:\s]/.test(value) || [...value].some((c) => c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f)) {
    throw new Invalid(
      `node '${node}': username '${value}' must not contain ':', spaces or control characters`,
      field.location,
    );
  }
  return value;
}

function checkSystem(value: string, field: TemplateField, node: string): string {
  if (value === '' || /[\s/?#]/.test(value)) {
    throw new Invalid(
      `node '${node}': system '${value}' must be a Redfish ComputerSystem id such as System.Embedded.1 (no '/', '?', '#' or spaces)`,
      field.location,
    );
  }
  return value;
}

/** A service node's name (a key of `servicenodes:`, docs/hierarchy.md); `''` means none (run here). */
function checkServiceNode(value: string, field: TemplateField, node: string): string | undefined {
  if (value === '') return undefined;
  if (!GROUP_NAME.test(value)) {
    throw new Invalid(
      `node '${node}': servicenode '${value}' must contain only letters, digits, '.', '_' and '-' and not start with '-'`,
      field.location,
    );
  }
  return value;
}
