/**
 * Inventory text → Inventory. Pure (no I/O): loadInventory (load.ts) reads the file and adds the checks
 * that need the file system. Every problem is reported with file:line:col; several problems are
 * reported together (first ten), so one run shows all the typos.
 */
import { dirname, resolve } from 'node:path';
import { isSeq, type Node, type YAMLError } from 'yaml';
import { formatLocation, InventoryError, NoderangeError, type SourceLocation } from '../core/errors.js';
import type { NodeDef } from '../core/types.js';
import { countNodeset, expandNodesetDetailed, foldNodes, type ExpandedName } from '../noderange/nodeset.js';
import { EntryResolver, nodeGroups, type LayerSet } from './resolve.js';
import {
  NODE_KEYS,
  parseLayer,
  resolvePath,
  SETTING_KEYS,
  type Layer,
  type LayerContext,
} from './settings.js';
import { checkServiceNodeReferences, parseServiceNodes, type ServiceNodeDef } from './servicenodes.js';
import { Invalid, InvalidSeveral, YamlSource, type Entry } from './source.js';
import { didYouMean } from './suggest.js';

export interface Inventory {
  /** The file as it was given to the loader. */
  file: string;
  /** Every node, fully resolved, in definition order. */
  nodes: Map<string, NodeDef>;
  /** Explicit groups → member node names in definition order (`all` is implicit and not listed). */
  groups: Map<string, string[]>;
  /** Executor modules to load, absolute paths. */
  plugins: string[];
  /** How to reach each service node (docs/hierarchy.md); empty when the site has none. */
  servicenodes: Map<string, ServiceNodeDef>;
  /** Non-fatal problems, each "file:line:col: message". For the CLI to print; never contain secrets. */
  warnings: string[];
}

/** What the pure parse found that loadInventory checks against the file system. */
export interface ParsedInventory {
  inventory: Inventory;
  /** Where inline passwords are written (warned about when the inventory is readable by others). */
  inlinePasswords: SourceLocation[];
  /** Each plugin path and where it is listed. */
  pluginLocations: Map<string, SourceLocation>;
}

export const TOP_LEVEL_KEYS = ['version', 'defaults', 'groups', 'nodes', 'plugins', 'servicenodes'];
const MAX_REPORTED = 10;
/** Nodes an inventory may define, all range keys together (each key alone is limited the same way). */
export const MAX_INVENTORY_NODES = 1_000_000;
const GROUP_KEY = /^[A-Za-z0-9_.][A-Za-z0-9_.-]*$/;

/** Collects problems so that one run reports them all. */
class Problems {
  private readonly list: Invalid[] = [];

  add(problem: Invalid): void {
    if (problem instanceof InvalidSeveral) this.list.push(...problem.problems);
    else this.list.push(problem);
  }

  /** Run one independent step; a problem in it is recorded and the caller goes on with the next step. */
  attempt<T>(step: () => T): T | undefined {
    try {
      return step();
    } catch (e) {
      if (e instanceof Invalid) {
        this.add(e);
        return undefined;
      }
      throw e;
    }
  }

  throwIfAny(): void {
    if (this.list.length === 0) return;
    const sorted = [...this.list].sort(
      (a, b) =>
        (a.location.line ?? 0) - (b.location.line ?? 0) || (a.location.col ?? 0) - (b.location.col ?? 0),
    );
    const [first, ...rest] = sorted as [Invalid, ...Invalid[]];
    const shown = rest.slice(0, MAX_REPORTED - 1).map((p) => `\n${formatLocation(p.location)}: ${p.message}`);
    const hidden = rest.length - shown.length;
    const more = hidden > 0 ? `\n(and ${hidden} more problem${hidden === 1 ? '' : 's'})` : '';
    throw new InventoryError(first.message + shown.join('') + more, first.location);
  }
}

/** Parse inventory text. `file` is used for messages and to resolve relative paths. Throws InventoryError. */
export function parseInventory(text: string, file: string): Inventory {
  return parseInventoryDetailed(text, file).inventory;
}

export function parseInventoryDetailed(text: string, file: string): ParsedInventory {
  const source = new YamlSource(text.replace(/^\uFEFF/, ''), file);
  const problems = new Problems();
  for (const error of source.doc.errors) {
    problems.add(new Invalid(`YAML syntax: ${yamlMessage(error)}`, source.at(error.pos[0])));
  }
  problems.throwIfAny(); // nothing else is meaningful in a file that does not parse

  const warnings = source.doc.warnings.map((w) => `${formatLocation(source.at(w.pos[0]))}: ${w.message}`);
  const root = source.doc.contents as Node | null;
  if (root === null || source.isEmpty(root)) {
    throw new InventoryError(
      'the inventory is empty; expected a mapping with a nodes: section (see docs/inventory.md)',
      {
        file,
        line: 1,
        col: 1,
      },
    );
  }

  const sections = new Map<string, Entry>();
  for (const entry of problems.attempt(() => source.entries(root, 'the inventory')) ?? []) {
    if (TOP_LEVEL_KEYS.includes(entry.key)) sections.set(entry.key, entry);
    else {
      problems.add(
        new Invalid(
          `unknown top-level key '${entry.key}'; expected one of ${TOP_LEVEL_KEYS.join(', ')}${didYouMean(entry.key, TOP_LEVEL_KEYS)}`,
          entry.keyLocation,
        ),
      );
    }
  }

  const version = sections.get('version');
  if (version) {
    problems.attempt(() => {
      const v = source.text(version.value, 'version', '1');
      if (v !== '1')
        throw new Invalid(`version is '${v}'; this hwctl reads version 1`, source.locate(version.value));
    });
  }

  const baseDir = dirname(resolve(file));
  const pluginLocations =
    problems.attempt(() => parsePlugins(source, sections.get('plugins'), baseDir)) ?? new Map();
  const servicenodes =
    problems.attempt(() => parseServiceNodes(source, sections.get('servicenodes'), baseDir)) ??
    new Map<string, ServiceNodeDef>();
  const ctx: LayerContext = {
    source,
    baseDir,
    allowPluginFlavors: sections.has('plugins'),
    inlinePasswords: [],
  };

  const defaults =
    problems.attempt(() =>
      parseLayer(ctx, sections.get('defaults')?.value ?? null, 'defaults', SETTING_KEYS),
    ) ?? ({ label: 'defaults' } satisfies Layer);

  const groupLayers = new Map<string, Layer>();
  const groupLocations = new Map<string, SourceLocation>();
  const groups = new Map<string, string[]>();
  for (const entry of problems.attempt(() =>
    source.entries(sections.get('groups')?.value ?? null, 'groups'),
  ) ?? []) {
    problems.attempt(() => {
      checkGroupKey(entry);
      groupLocations.set(entry.key, entry.keyLocation);
      groups.set(entry.key, []);
      groupLayers.set(entry.key, parseLayer(ctx, entry.value, `group '${entry.key}'`, SETTING_KEYS));
    });
  }

  const nodesSection = sections.get('nodes');
  if (!nodesSection) {
    problems.add(
      new Invalid(
        'no nodes: section; expected nodes: with one entry per node or node range',
        source.locate(root),
      ),
    );
  }
  const nodes = new Map<string, NodeDef>();
  const definedBy = new Map<string, { key: string; location: SourceLocation }>();
  const layers: LayerSet = { defaults, groups: groupLayers };
  const nodeEntries =
    problems.attempt(() => source.entries(nodesSection?.value ?? null, 'nodes', true)) ?? [];
  checkNodeCount(nodeEntries);
  for (const entry of nodeEntries) {
    problems.attempt(() => {
      const layer = parseLayer(ctx, entry.value, `node '${entry.key}'`, NODE_KEYS);
      const resolver = new EntryResolver(layer, layers);
      const duplicates = new Map<string, { location: SourceLocation; names: string[] }>();
      for (const { name, values } of expandKey(source, entry)) {
        const earlier = definedBy.get(name);
        if (earlier) {
          const dup = duplicates.get(earlier.key) ?? { location: earlier.location, names: [] };
          dup.names.push(name);
          duplicates.set(earlier.key, dup);
          continue;
        }
        const vars = { name, values };
        const memberships = nodeGroups(layer, vars);
        const memberOf = memberships.map((g) => g.name);
        const node = resolver.resolve({ name, values, location: entry.keyLocation }, memberOf);
        nodes.set(name, node);
        definedBy.set(name, { key: entry.key, location: entry.keyLocation });
        for (const g of memberships) {
          let members = groups.get(g.name);
          if (!members) {
            members = [];
            groups.set(g.name, members);
            groupLocations.set(g.name, g.location);
          }
          members.push(name);
        }
      }
      for (const [earlierKey, { location, names }] of duplicates) {
        const what = names.length === 1 ? `node ${names[0]} is` : `nodes ${foldNodes(names)} are`;
        throw new Invalid(
          `${what} defined twice: by '${earlierKey}' at ${formatLocation(location)} and by '${entry.key}' here`,
          entry.keyLocation,
        );
      }
    });
  }

  for (const [group, location] of groupLocations) {
    const clash = definedBy.get(group);
    if (clash) {
      problems.add(
        new Invalid(
          `group '${group}' has the same name as node '${group}' (defined by '${clash.key}' at ${formatLocation(clash.location)}); ` +
            'node and group names must differ',
          location,
        ),
      );
    }
  }
  for (const problem of checkServiceNodeReferences(nodes.values(), servicenodes)) problems.add(problem);
  problems.throwIfAny();

  for (const [group, members] of groups) {
    if (members.length === 0) {
      warnings.push(
        `${formatLocation(groupLocations.get(group)!)}: group '${group}' has settings but no members ` +
          `(no node lists it under groups:)${didYouMean(
            group,
            [...groups.keys()].filter((g) => g !== group && groups.get(g)!.length > 0),
          )}`,
      );
    }
  }

  return {
    inventory: { file, nodes, groups, plugins: [...pluginLocations.keys()], servicenodes, warnings },
    inlinePasswords: ctx.inlinePasswords,
    pluginLocations,
  };
}

/**
 * The parser's message, except where it would quote the source (which may be a password) or speaks to
 * programmers rather than admins.
 */
function yamlMessage(error: YAMLError): string {
  switch (error.code) {
    case 'MULTIPLE_DOCS':
      return "the inventory must be a single YAML document (found a second one after '---')";
    case 'BAD_DQ_ESCAPE':
      return 'invalid escape sequence in a double-quoted string (use single quotes for a literal backslash)';
    case 'BAD_SCALAR_START':
      return 'a plain value cannot start with this character; put the value in quotes';
    default:
      return error.message.startsWith('Block scalar header includes extra characters')
        ? 'block scalar header (| or >) followed by extra characters'
        : error.message;
  }
}

/**
 * Counts the nodes of every key before any is made, so that twenty `n[1-999999]` keys fail at once
 * rather than after resolving the first million nodes. Malformed keys count 0 (reported later).
 */
function checkNodeCount(entries: Entry[]): void {
  let total = 0;
  for (const entry of entries) {
    try {
      total += countNodeset(entry.key);
    } catch (e) {
      if (!(e instanceof NoderangeError)) throw e;
    }
    if (total > MAX_INVENTORY_NODES) {
      throw new InventoryError(
        `the node keys define more than ${MAX_INVENTORY_NODES.toLocaleString('en-US')} nodes (the limit)`,
        entry.keyLocation,
      );
    }
  }
}

function checkGroupKey(entry: Entry): void {
  if (entry.key === 'all') {
    throw new Invalid(
      "group 'all' is implicit (every node is in it) and cannot be defined",
      entry.keyLocation,
    );
  }
  if (!GROUP_KEY.test(entry.key)) {
    throw new Invalid(
      `group name '${entry.key}' must contain only letters, digits, '.', '_' and '-' and not start with '-'` +
        (entry.key.includes('[') ? ' (ranges are for node keys only)' : ''),
      entry.keyLocation,
    );
  }
}

/** A node key is a name or a pattern (`node[0001-4096]`, `r[1-2]n[01-32]`, `a,b`). */
function expandKey(source: YamlSource, entry: Entry): ExpandedName[] {
  if (entry.key === 'all') {
    throw new Invalid(
      "'all' is the implicit group of every node and cannot be a node name",
      entry.keyLocation,
    );
  }
  try {
    return expandNodesetDetailed(entry.key);
  } catch (e) {
    if (e instanceof NoderangeError) {
      const position = /at position (\d+)/.exec(e.message);
      const location = position
        ? source.locateInScalar(entry.keyNode, Number(position[1]) - 1)
        : entry.keyLocation;
      throw new Invalid(`node key: ${e.message}`, location);
    }
    throw e;
  }
}

function parsePlugins(
  source: YamlSource,
  section: Entry | undefined,
  baseDir: string,
): Map<string, SourceLocation> {
  const out = new Map<string, SourceLocation>();
  if (!section || source.isEmpty(section.value)) return out;
  const list = section.value;
  if (!isSeq(list)) {
    throw new Invalid('plugins must be a list of module paths (- ./plugins/acme.js)', source.locate(list));
  }
  list.items.forEach((item, i) => {
    const node = source.deref(item as Node);
    const path = resolvePath(baseDir, source.text(node, `plugins[${i}]`, 'a module path'));
    if (!out.has(path)) out.set(path, source.locate(node));
  });
  return out;
}
