/**
 * The JSON schemas a service answers with: the `Link: <...>; rel=describedby` header of every resource
 * (DSP0266 "Link header": the schema of the resource, its version matching `@odata.type`) and the
 * `JsonSchemas` collection of JsonSchemaFile resources, one per type the service serves, pointing at the
 * DMTF publication of that schema (the simulator does not carry the schema bundle itself).
 */
import type { JsonObject } from './json.js';
import type { ResourceNode } from './tree.js';

export const JSON_SCHEMAS_PATH = '/redfish/v1/JsonSchemas';
const DMTF = 'http://redfish.dmtf.org/schemas/v1';

/**
 * `#ComputerSystem.v1_20_0.ComputerSystem` → `ComputerSystem.v1_20_0`; `#SessionCollection.SessionCollection`
 * → `SessionCollection` (collections have no version). Undefined for anything else (vendor Oem types
 * included: `#HpeiLODateTime.v2_0_0...` is not a DMTF schema).
 */
export function schemaName(odataType: unknown): string | undefined {
  if (typeof odataType !== 'string') return undefined;
  const m = /^#([A-Za-z0-9]+)\.(?:(v\d+_\d+_\d+)\.)?([A-Za-z0-9]+)$/.exec(odataType);
  if (!m || m[1] !== m[3] || m[1]?.startsWith('Hpe') || m[1]?.startsWith('Dell')) return undefined;
  return m[2] ? `${m[1]}.${m[2]}` : m[1];
}

/** The `Link` header for a document, or undefined when its type is not a DMTF one. */
export function describedByLink(doc: JsonObject): string | undefined {
  const name = schemaName(doc['@odata.type']);
  return name ? `<${DMTF}/${name}.json>; rel=describedby` : undefined;
}

export interface JsonSchemaOptions {
  /** `Namespace.vX_Y_Z` (or a bare collection namespace) of every type the service serves. */
  types: () => readonly string[];
  url(path: string): string;
}

/** Resolves `JsonSchemas` and its members. */
export class JsonSchemas {
  constructor(private readonly o: JsonSchemaOptions) {}

  private sorted: string[] | undefined;

  owns(path: string): boolean {
    return path === JSON_SCHEMAS_PATH || path.startsWith(`${JSON_SCHEMAS_PATH}/`);
  }

  resolve(path: string): ResourceNode | undefined {
    // The served types do not change while the service runs: sorted once.
    const types = (this.sorted ??= [...new Set(this.o.types())].sort());
    if (path === JSON_SCHEMAS_PATH)
      return {
        get: () => ({
          '@odata.id': this.o.url(JSON_SCHEMAS_PATH),
          '@odata.type': '#JsonSchemaFileCollection.JsonSchemaFileCollection',
          Name: 'JsonSchemaFile Collection',
          Description: 'Schemas the service uses',
          Members: types.map((t) => ({ '@odata.id': this.o.url(`${JSON_SCHEMAS_PATH}/${t}`) })),
          'Members@odata.count': types.length,
        }),
      };
    const id = path.slice(JSON_SCHEMAS_PATH.length + 1);
    if (!types.includes(id)) return undefined;
    return { get: () => this.fileDoc(id) };
  }

  private fileDoc(id: string): JsonObject {
    const [ns, version] = id.split('.');
    return {
      '@odata.id': this.o.url(`${JSON_SCHEMAS_PATH}/${id}`),
      '@odata.type': '#JsonSchemaFile.v1_1_0.JsonSchemaFile',
      Id: id,
      Name: `${ns} Schema File`,
      Description: `${ns} Schema File Location`,
      Languages: ['en'],
      'Languages@odata.count': 1,
      Schema: version ? `#${ns}.${version}.${ns}` : `#${ns}.${ns}`,
      Location: [{ Language: 'en', PublicationUri: `${DMTF}/${id}.json` }],
      'Location@odata.count': 1,
    };
  }
}
