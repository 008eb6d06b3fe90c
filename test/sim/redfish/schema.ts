/**
 * Validates Redfish documents against the DMTF JSON schemas in test/fixtures/redfish/json-schema
 * (offline: `http://redfish.dmtf.org/schemas/v1/NAME` is the file NAME there; only the schemas the tests
 * load are kept, test/fixtures/README.md says how to add one).
 *
 * The schemas declare the Redfish meta-schema (draft-07 plus annotation keywords), so plain Ajv
 * (draft-07) with strict mode off is right. Two reductions keep compiling quick without weakening
 * the check of the document itself:
 *  - a document is validated against the versioned file of its own `@odata.type` (the latest
 *    errata of that version: `ComputerSystem.v1_20_0` → `ComputerSystem.v1_20_7.json`);
 *  - in unversioned files, a definition that is "a reference or any version of this resource"
 *    (links to other resources) becomes an open object, and an "any version of this type"
 *    definition (embedded types like Resource.Location) keeps only its newest version. Linked
 *    resources are validated on their own when the crawl reaches them.
 * `schemas/swordfish/...` references are open (not in the DMTF bundle): an object, null, or a string
 *    (Swordfish enums such as Volume's RAIDType).
 */
import { readFileSync, readdirSync } from 'node:fs';
import { Ajv, type AnySchemaObject, type ErrorObject, type ValidateFunction } from 'ajv';
import formatsModule from 'ajv-formats';
import { FIXTURES } from './helpers.js';

type FormatsFn = (ajv: Ajv) => Ajv;
const addFormats = ((formatsModule as unknown as { default?: FormatsFn }).default ??
  formatsModule) as unknown as FormatsFn;

const DIR = `${FIXTURES}/json-schema`;
const DMTF = 'http://redfish.dmtf.org/schemas/v1/';
const VERSIONED_REF = /\.v(\d+)_(\d+)_(\d+)\.json#/;

function versionKey(ref: string): number {
  const m = VERSIONED_REF.exec(ref);
  return m ? Number(m[1]) * 1e6 + Number(m[2]) * 1e3 + Number(m[3]) : -1;
}

function isObj(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export class RedfishSchemas {
  private readonly files: Set<string>;
  private readonly ajv: Ajv;
  private readonly validators = new Map<string, ValidateFunction>();

  constructor() {
    this.files = new Set(readdirSync(DIR));
    this.ajv = new Ajv({
      strict: false,
      allErrors: true,
      validateSchema: false,
      code: { optimize: false },
      loadSchema: (uri) => Promise.resolve(this.load(uri)),
    });
    addFormats(this.ajv);
  }

  /** The file for a schema name, falling back to the newest errata of the same version. */
  fileFor(name: string): string | undefined {
    if (this.files.has(name)) return name;
    const m = /^(.*\.v\d+_\d+)_\d+\.json$/.exec(name);
    if (!m) return undefined;
    const prefix = `${m[1]}_`;
    const candidates = [...this.files].filter(
      (f) => f.startsWith(prefix) && /^\d+\.json$/.test(f.slice(prefix.length)),
    );
    return candidates
      .sort((a, b) => parseInt(a.slice(prefix.length), 10) - parseInt(b.slice(prefix.length), 10))
      .pop();
  }

  private load(uri: string): AnySchemaObject {
    if (uri.includes('/schemas/swordfish/'))
      return {
        $id: uri,
        type: 'object',
        definitions: new Proxy(
          {},
          { get: (_t, k) => (typeof k === 'string' ? { type: ['object', 'null', 'string'] } : undefined) },
        ),
      };
    if (!uri.startsWith(DMTF)) throw new Error(`schema outside the fixture set: ${uri}`);
    const name = uri.slice(DMTF.length).replace(/(\.json)?$/, '.json');
    const file = this.fileFor(name);
    if (!file) throw new Error(`no schema file for ${uri}`);
    const schema = JSON.parse(readFileSync(`${DIR}/${file}`, 'utf8')) as AnySchemaObject;
    schema.$id = uri;
    return this.trim(schema);
  }

  private trim(schema: AnySchemaObject): AnySchemaObject {
    const defs: unknown = schema.definitions;
    if (!isObj(defs)) return schema;
    for (const [k, v] of Object.entries(defs)) {
      if (!isObj(v) || !Array.isArray(v.anyOf)) continue;
      const refs = v.anyOf.map((x: unknown) => (isObj(x) && typeof x.$ref === 'string' ? x.$ref : undefined));
      const versioned = refs.filter((r): r is string => r !== undefined && VERSIONED_REF.test(r));
      if (versioned.length === 0) continue;
      if (refs.some((r) => r?.endsWith('odata-v4.json#/definitions/idRef'))) defs[k] = { type: 'object' };
      else {
        const newest = versioned.sort((a, b) => versionKey(a) - versionKey(b)).pop() as string;
        defs[k] = { ...v, anyOf: [{ $ref: newest }] };
      }
    }
    return schema;
  }

  /** The schema reference for an `@odata.type` like `#ComputerSystem.v1_20_0.ComputerSystem`. */
  refFor(odataType: string): string {
    const t = odataType.replace(/^#/, '');
    const parts = t.split('.');
    const name = parts[parts.length - 1] as string;
    const ns = parts[0] as string;
    const version = parts.length >= 3 ? parts[1] : undefined;
    if (!version) return `${DMTF}${ns}.json#/definitions/${name}`;
    const file =
      this.fileFor(`${ns}.${version}.json`) ??
      this.fileFor(`${ns}.${version.replace(/^(v\d+_\d+).*$/, '$1')}_0.json`);
    if (!file) throw new Error(`no schema for ${odataType}`);
    return `${DMTF}${file}#/definitions/${name}`;
  }

  async validator(ref: string): Promise<ValidateFunction> {
    let v = this.validators.get(ref);
    if (!v) {
      v = await this.ajv.compileAsync({ $ref: ref });
      this.validators.set(ref, v);
    }
    return v;
  }

  /** Errors of a document against its own `@odata.type` (or `ref` when given); [] when valid. */
  async validate(doc: unknown, ref?: string): Promise<string[]> {
    const type = isObj(doc) ? doc['@odata.type'] : undefined;
    if (ref === undefined && typeof type !== 'string') return ['document has no @odata.type'];
    const v = await this.validator(ref ?? this.refFor(type as string));
    if (v(doc)) return [];
    return (v.errors ?? []).map(
      (e: ErrorObject) => `${e.instancePath || '/'} ${e.message ?? ''} ${JSON.stringify(e.params)}`,
    );
  }

  /** Errors of an error body against redfish-error.v1_0_2. */
  validateError(body: unknown): Promise<string[]> {
    return this.validate(body, `${DMTF}redfish-error.v1_0_2.json#/definitions/RedfishError`);
  }
}
