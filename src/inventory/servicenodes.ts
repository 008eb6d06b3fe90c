/**
 * The `servicenodes:` section: how to reach each service node (docs/hierarchy.md). A node names its
 * service node with `servicenode: sn01` (a setting, so groups and templates work); this section says how
 * hwctl gets there: the ssh destination, extra ssh arguments, an ssh config file and the hwctl to run.
 */
import { isSeq, type Node } from 'yaml';
import type { SourceLocation } from '../core/errors.js';
import { resolvePath } from './settings.js';
import { Invalid, throwProblems, type Entry, type YamlSource } from './source.js';
import { didYouMean } from './suggest.js';

export interface ServiceNodeDef {
  name: string;
  /** The ssh destination (`[user@]host`, an alias of the ssh config); default: the name. */
  host: string;
  /** `-F FILE`, resolved against the inventory's directory. */
  config?: string;
  /** Extra ssh arguments, passed as written before hwctl's own defaults (so they win: ssh takes the first). */
  ssh: string[];
  /** The hwctl command on the service node; default `hwctl` (found through the remote PATH). */
  hwctl: string;
  location: SourceLocation;
}

export const SERVICENODE_KEYS = ['host', 'config', 'ssh', 'hwctl'];
const NAME = /^[A-Za-z0-9_.][A-Za-z0-9_.-]*$/;

/** Parse `servicenodes:`; throws Invalid (all problems of the section). */
export function parseServiceNodes(
  source: YamlSource,
  section: Entry | undefined,
  baseDir: string,
): Map<string, ServiceNodeDef> {
  const out = new Map<string, ServiceNodeDef>();
  if (!section || section.value === null || source.isEmpty(section.value)) return out;
  const problems: Invalid[] = [];
  for (const entry of source.entries(section.value, 'servicenodes')) {
    try {
      out.set(entry.key, parseOne(source, entry, baseDir));
    } catch (e) {
      if (!(e instanceof Invalid)) throw e;
      problems.push(e);
    }
  }
  throwProblems(problems);
  return out;
}

function parseOne(source: YamlSource, entry: Entry, baseDir: string): ServiceNodeDef {
  const what = `servicenode '${entry.key}'`;
  if (!NAME.test(entry.key)) {
    throw new Invalid(
      `servicenode name '${entry.key}' must contain only letters, digits, '.', '_' and '-' and not start with '-'`,
      entry.keyLocation,
    );
  }
  const def: ServiceNodeDef = {
    name: entry.key,
    host: entry.key,
    ssh: [],
    hwctl: 'hwctl',
    location: entry.keyLocation,
  };
  for (const { key, value, keyLocation } of source.entries(entry.value, what)) {
    switch (key) {
      case 'host': {
        const host = source.text(value, `${what}: host`, 'an ssh destination ([user@]host)');
        // ssh would read a leading '-' as an option: refuse it rather than pass an option by accident.
        if (host.startsWith('-') || /\s/.test(host)) {
          throw new Invalid(
            `${what}: host '${host}' must be an ssh destination ([user@]host), without spaces or a leading '-'`,
            source.locate(value),
          );
        }
        def.host = host;
        break;
      }
      case 'config':
        def.config = resolvePath(baseDir, source.text(value, `${what}: config`, 'an ssh config file'));
        break;
      case 'hwctl':
        def.hwctl = source.text(value, `${what}: hwctl`, 'the hwctl command on the service node');
        break;
      case 'ssh':
        def.ssh = sshArgs(source, value, `${what}: ssh`);
        break;
      default:
        throw new Invalid(
          `unknown key '${key}' in ${what}; expected one of ${SERVICENODE_KEYS.join(', ')}${didYouMean(key, SERVICENODE_KEYS)}`,
          keyLocation,
        );
    }
  }
  return def;
}

function sshArgs(source: YamlSource, value: Node | null, what: string): string[] {
  if (value === null || source.isEmpty(value)) return [];
  if (!isSeq(value)) {
    throw new Invalid(
      `${what} must be a list of ssh arguments ([-o, ConnectTimeout=5]), not a single value`,
      source.locate(value),
    );
  }
  return value.items.map((item, i) => source.text(source.deref(item as Node), `${what}[${i}]`));
}

/**
 * Every node's service node must be defined under `servicenodes:` (an empty entry `sn01: {}` will do):
 * a typo fails here, naming the nodes, not as a thousand ssh failures.
 */
export function checkServiceNodeReferences(
  nodes: Iterable<{ name: string; servicenode?: string; source?: SourceLocation }>,
  servicenodes: ReadonlyMap<string, ServiceNodeDef>,
): Invalid[] {
  const missing = new Map<string, { nodes: string[]; location?: SourceLocation }>();
  for (const n of nodes) {
    if (n.servicenode === undefined || servicenodes.has(n.servicenode)) continue;
    const m = missing.get(n.servicenode) ?? { nodes: [], location: n.source };
    m.nodes.push(n.name);
    missing.set(n.servicenode, m);
  }
  return [...missing].map(
    ([sn, m]) =>
      new Invalid(
        `servicenode '${sn}' (of ${m.nodes.length === 1 ? `node ${m.nodes[0]}` : `${m.nodes.length} nodes, ${m.nodes[0]} first`}) ` +
          `is not defined under servicenodes:${didYouMean(sn, [...servicenodes.keys()])}`,
        m.location ?? { file: '' },
      ),
  );
}
