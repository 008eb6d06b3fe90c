/**
 * `Registries`: the message registries behind the MessageIds the service sends, so a client can look a
 * message up (Base for errors, ResourceEvent for the events the EventService sends). Each member is a
 * MessageRegistryFile whose `Location` points at the registry served by the BMC itself, as bmcweb does
 * (`/redfish/v1/Registries/Base/Base`), and at its DMTF publication.
 */
import { baseRegistryMessages, registryMessage, type RegistryMessage } from './errors.js';
import type { JsonObject } from './json.js';
import type { ResourceNode } from './tree.js';

export const REGISTRIES_PATH = '/redfish/v1/Registries';

/** A ResourceEvent entry: informational, nothing to resolve. */
function msg(message: string, description: string): RegistryMessage {
  return registryMessage({ message, severity: 'OK', description, resolution: 'None.' });
}

/** The ResourceEvent 1.3.0 messages the EventService sends (texts as in the DMTF registry). */
export const RESOURCE_EVENT_VERSION = '1.3.0';
export const RESOURCE_EVENT = {
  ResourcePoweredOn: msg(
    'The resource `%1` has powered on.',
    'Indicates that the power state of a resource has changed to powered on.',
  ),
  ResourcePoweredOff: msg(
    'The resource `%1` has powered off.',
    'Indicates that the power state of a resource has changed to powered off.',
  ),
  ResourcePoweringOn: msg(
    'The resource `%1` is powering on.',
    'Indicates that the power state of a resource has changed to powering on.',
  ),
  ResourcePoweringOff: msg(
    'The resource `%1` is powering off.',
    'Indicates that the power state of a resource has changed to powering off.',
  ),
  TestMessage: msg('Test message.', 'A test message used to validate event delivery mechanisms.'),
} satisfies Record<string, RegistryMessage>;

interface RegistryDef {
  prefix: string;
  version: string;
  name: string;
  description: string;
  messages: () => Record<string, RegistryMessage>;
}

export interface RegistriesOptions {
  /** The Base prefix of the personality's errors (`Base.1.16`, `Base.1.16.0`, `Base.1.4`...). */
  basePrefix: string;
  url(path: string): string;
  /** Registry files the resource tree serves itself (the BIOS attribute registry): listed in the collection. */
  treeFiles?: () => readonly string[];
}

/** `Base.1.4` → `1.4.0`; `Base.1.16.0` → `1.16.0`. */
function fullVersion(prefix: string): string {
  const parts = prefix.split('.').slice(1);
  while (parts.length < 3) parts.push('0');
  return parts.join('.');
}

export class Registries {
  private readonly defs: RegistryDef[];

  constructor(private readonly o: RegistriesOptions) {
    this.defs = [
      {
        prefix: 'Base',
        version: fullVersion(o.basePrefix),
        name: 'Base Message Registry',
        description: 'This registry defines the base messages for Redfish.',
        messages: baseRegistryMessages,
      },
      {
        prefix: 'ResourceEvent',
        version: RESOURCE_EVENT_VERSION,
        name: 'Resource Event Message Registry',
        description: 'This registry defines the messages to use for resource events.',
        messages: () => ({ ...RESOURCE_EVENT }),
      },
    ];
  }

  owns(path: string): boolean {
    return path === REGISTRIES_PATH || path.startsWith(`${REGISTRIES_PATH}/`);
  }

  resolve(path: string): ResourceNode | undefined {
    if (path === REGISTRIES_PATH) return { get: () => this.collectionDoc() };
    const [prefix, file, ...rest] = path.slice(REGISTRIES_PATH.length + 1).split('/');
    const def = this.defs.find((d) => d.prefix === prefix);
    if (!def || rest.length) return undefined;
    if (file === undefined) return { get: () => this.fileDoc(def) };
    return file === def.prefix ? { get: () => this.registryDoc(def) } : undefined;
  }

  private link(path: string): JsonObject {
    return { '@odata.id': this.o.url(path) };
  }

  private collectionDoc(): JsonObject {
    return {
      '@odata.id': this.o.url(REGISTRIES_PATH),
      '@odata.type': '#MessageRegistryFileCollection.MessageRegistryFileCollection',
      Name: 'MessageRegistryFile Collection',
      Description: 'Collection of MessageRegistryFiles',
      Members: [
        ...this.defs.map((d) => this.link(`${REGISTRIES_PATH}/${d.prefix}`)),
        ...(this.o.treeFiles?.() ?? []).map((p) => this.link(p)),
      ],
      'Members@odata.count': this.defs.length + (this.o.treeFiles?.().length ?? 0),
    };
  }

  private fileDoc(d: RegistryDef): JsonObject {
    const id = `${d.prefix}.${d.version}`;
    return {
      '@odata.id': this.o.url(`${REGISTRIES_PATH}/${d.prefix}`),
      '@odata.type': '#MessageRegistryFile.v1_1_0.MessageRegistryFile',
      Id: d.prefix,
      Name: `${d.prefix} Message Registry File`,
      Description: `${d.prefix} Message Registry File Location`,
      Languages: ['en'],
      'Languages@odata.count': 1,
      Registry: id.split('.').slice(0, 3).join('.'),
      Location: [
        {
          Language: 'en',
          Uri: this.o.url(`${REGISTRIES_PATH}/${d.prefix}/${d.prefix}`),
          PublicationUri: `https://redfish.dmtf.org/registries/${id}.json`,
        },
      ],
      'Location@odata.count': 1,
    };
  }

  private registryDoc(d: RegistryDef): JsonObject {
    const messages: JsonObject = {};
    for (const [k, m] of Object.entries(d.messages())) messages[k] = { ...m };
    return {
      '@odata.type': '#MessageRegistry.v1_6_0.MessageRegistry',
      Id: `${d.prefix}.${d.version}`,
      Name: d.name,
      Language: 'en',
      Description: d.description,
      RegistryPrefix: d.prefix,
      RegistryVersion: d.version,
      OwningEntity: 'DMTF',
      Messages: messages,
    };
  }
}
