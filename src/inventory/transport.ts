/**
 * The inventory's `transport:` and `proxy:` settings (docs/inventory.md, docs/plugins.md).
 *
 *   transport: proxy                                   a name
 *   transport: {name: unix, socket: /run/bmc-{n1}.sock}  a name and options (values are templates)
 *   proxy: http://squid.example:3128                  the proxy of `transport: proxy` (a template)
 *
 * Names and option values are checked for shape here. Whether a name exists, and which options it
 * takes, is the transport registry's to say (src/bmc/transport.ts), once plugins are loaded: the
 * command pipeline checks every selected node before any BMC is touched.
 */
import { isMap, type Node } from 'yaml';
import type { SourceLocation } from '../core/errors.js';
import { Invalid } from './source.js';
import { didYouMean } from './suggest.js';
import { templateField, type LayerContext, type TemplateField } from './settings.js';
import type { TemplateVars } from './template.js';

/**
 * The built-in transports and whether each reads the node's `proxy:` (src/bmc/transport.ts defines them;
 * test/plugins checks that its registry agrees on both). Kept here, not read from the registry: the
 * inventory is parsed without loading any BMC code.
 */
const BUILTINS = { https: false, proxy: true, unix: false, servicenode: false } as const;
export const BUILTIN_TRANSPORTS = Object.keys(BUILTINS) as ReadonlyArray<keyof typeof BUILTINS>;

/** A built-in transport that never reads `proxy:` (plugins' transports may). */
export function builtinIgnoresProxy(name: string): boolean {
  return Object.hasOwn(BUILTINS, name) && !BUILTINS[name as keyof typeof BUILTINS];
}

const NAME = /^[a-z][a-z0-9_-]*$/;

export interface TransportLayer {
  name: string;
  options: Array<[string, TemplateField]>;
  location: SourceLocation;
}

function checkName(ctx: LayerContext, value: Node | null, what: string): string {
  const expected = `${BUILTIN_TRANSPORTS.join(' | ')}${ctx.allowPluginFlavors ? ' or a transport added by a plugin' : ''}`;
  const name = ctx.source.text(value, what, expected);
  if ((BUILTIN_TRANSPORTS as readonly string[]).includes(name)) return name;
  if (ctx.allowPluginFlavors && NAME.test(name)) return name;
  throw new Invalid(
    `${what} is '${name}'; expected ${expected}${didYouMean(name, BUILTIN_TRANSPORTS)}`,
    ctx.source.locate(value),
  );
}

export function parseTransport(ctx: LayerContext, value: Node | null, what: string): TransportLayer {
  const { source } = ctx;
  const location = source.locate(value);
  if (value === null || !isMap(value)) return { name: checkName(ctx, value, what), options: [], location };
  let name: string | undefined;
  const options: Array<[string, TemplateField]> = [];
  for (const entry of source.entries(value, what)) {
    if (entry.key === 'name') {
      name = checkName(ctx, entry.value, `${what}.name`);
      continue;
    }
    if (!NAME.test(entry.key)) {
      throw new Invalid(
        `${what}: option name '${entry.key}' must be lower-case letters, digits, '-' or '_'`,
        entry.keyLocation,
      );
    }
    options.push([
      entry.key,
      templateField(source, entry.value, `${what}.${entry.key}`, `transport.${entry.key}`),
    ]);
  }
  if (name === undefined) throw new Invalid(`${what} needs a name ({name: unix, socket: PATH})`, location);
  return { name, options, location };
}

/** A rendered `proxy:` value, checked: `http(s)://host[:port]` (http:// when no scheme), nothing else. */
export function checkProxyUrl(text: string): string {
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(text) ? text : `http://${text}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    throw new Error(`proxy '${text}' is not a URL; expected http://HOST:PORT or https://HOST:PORT`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new Error(`proxy '${text}': only http:// and https:// proxies are supported`);
  // Never repeat a value that holds credentials: it may be a password.
  if (url.username || url.password)
    throw new Error('proxy URL must not hold credentials (hwctl does not authenticate to proxies)');
  if ((url.pathname !== '/' && url.pathname !== '') || url.search || url.hash)
    throw new Error(`proxy '${text}' must be just scheme://host:port, without a path or query`);
  return `${url.protocol}//${url.host}`;
}

/** A node's transport options, rendered. */
export function renderTransportOptions(
  layer: TransportLayer,
  render: (field: TemplateField) => string,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, field] of layer.options) out[key] = render(field);
  return out;
}

export type { TemplateVars };
