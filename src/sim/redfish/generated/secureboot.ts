/**
 * UEFI Secure Boot (`Systems/<id>/SecureBoot`): `SecureBootEnable` takes a PATCH and is enforced from
 * the next boot on (`SecureBootCurrentBoot` says what the last boot did); enforcing needs a platform
 * key, so with the PK deleted (Setup mode) the host boots unenforced. Key databases are minimal: PK,
 * KEK, db and dbx with a key count and the ResetKeys actions, no certificate bodies.
 */
import type { BootRecord } from '../../machine.js';
import { readEnumParam } from '../actions.js';
import type { JsonObject } from '../json.js';
import type { Router } from '../router.js';
import { parseJsonBody, type RequestContext } from '../tree.js';
import { collection, rejectProperty, type Gen } from './context.js';
import { featureState } from './state.js';

const DATABASES = ['PK', 'KEK', 'db', 'dbx'] as const;
type Database = (typeof DATABASES)[number];
const DEFAULT_KEYS: Record<Database, number> = { PK: 1, KEK: 1, db: 2, dbx: 1 };
const RESET_ALL = ['ResetAllKeysToDefault', 'DeleteAllKeys', 'DeletePK'];
const RESET_DB = ['ResetAllKeysToDefault', 'DeleteAllKeys'];

interface SecureBootState {
  enable: boolean;
  currentBoot: 'Enabled' | 'Disabled';
  keys: Record<Database, number>;
}

function sbState(g: Gen): SecureBootState {
  return featureState(g.m, 'secureboot', () => {
    const s: SecureBootState = { enable: false, currentBoot: 'Disabled', keys: { ...DEFAULT_KEYS } };
    g.m.on('boot', (_rec: BootRecord) => {
      s.currentBoot = s.enable && s.keys.PK > 0 ? 'Enabled' : 'Disabled';
    });
    return s;
  });
}

const sbPath = (g: Gen): string => `${g.sys}/SecureBoot`;

function secureBootDoc(g: Gen): JsonObject {
  const s = sbState(g);
  const path = sbPath(g);
  return {
    '@odata.id': g.u(path),
    '@odata.type': '#SecureBoot.v1_1_0.SecureBoot',
    Id: 'SecureBoot',
    Name: 'UEFI Secure Boot',
    Description: 'UEFI Secure Boot',
    SecureBootEnable: s.enable,
    SecureBootCurrentBoot: s.currentBoot,
    SecureBootMode: s.keys.PK > 0 ? 'DeployedMode' : 'SetupMode',
    SecureBootDatabases: g.link(`${path}/SecureBootDatabases`),
    Actions: {
      '#SecureBoot.ResetKeys': {
        target: g.u(`${path}/Actions/SecureBoot.ResetKeys`),
        'ResetKeysType@Redfish.AllowableValues': [...RESET_ALL],
      },
    },
  };
}

function databaseDoc(g: Gen, db: Database): JsonObject {
  const path = `${sbPath(g)}/SecureBootDatabases/${db}`;
  const n = sbState(g).keys[db];
  return {
    '@odata.id': g.u(path),
    '@odata.type': '#SecureBootDatabase.v1_0_0.SecureBootDatabase',
    Id: db,
    Name: `UEFI ${db} Secure Boot Database`,
    Description: `${n} key(s)`,
    DatabaseId: db,
    Actions: {
      '#SecureBootDatabase.ResetKeys': {
        target: g.u(`${path}/Actions/SecureBootDatabase.ResetKeys`),
        'ResetKeysType@Redfish.AllowableValues': [...RESET_DB],
      },
    },
  };
}

function readResetKeys(g: Gen, ctx: RequestContext, action: string, allowed: string[]): string {
  return readEnumParam(parseJsonBody(ctx), 'ResetKeysType', allowed, action, g.errors);
}

export function addSecureBootRoutes(r: Router, g: Gen): void {
  if (!g.p.features.secureBoot) return;
  const s = sbState(g);
  const path = sbPath(g);
  r.node(path, () => ({
    get: () => secureBootDoc(g),
    patch: (body) => {
      const doc = secureBootDoc(g);
      for (const [k, v] of Object.entries(body)) {
        if (k !== 'SecureBootEnable') rejectProperty(g, doc, k);
        if (typeof v !== 'boolean')
          throw g.errors.error('PropertyValueTypeError', [JSON.stringify(v), k], { related: [`#/${k}`] });
      }
      s.enable = body.SecureBootEnable as boolean;
      return undefined;
    },
  }));
  r.node(`${path}/Actions/SecureBoot.ResetKeys`, () => ({
    post: (ctx) => {
      const v = readResetKeys(g, ctx, '#SecureBoot.ResetKeys', RESET_ALL);
      if (v === 'ResetAllKeysToDefault') s.keys = { ...DEFAULT_KEYS };
      else if (v === 'DeleteAllKeys') s.keys = { PK: 0, KEK: 0, db: 0, dbx: 0 };
      else s.keys.PK = 0;
      return undefined;
    },
  }));
  r.node(`${path}/SecureBootDatabases`, () => ({
    get: () =>
      collection(
        g,
        `${path}/SecureBootDatabases`,
        'SecureBootDatabaseCollection',
        'UEFI Secure Boot Database Collection',
        DATABASES.map((d) => `${path}/SecureBootDatabases/${d}`),
      ),
  }));
  const known = (id: string | undefined): Database | undefined => DATABASES.find((d) => d === id);
  r.add(`${path}/SecureBootDatabases/:db`, ({ db }) => {
    const d = known(db);
    return d ? { get: () => databaseDoc(g, d) } : undefined;
  });
  r.add(`${path}/SecureBootDatabases/:db/Actions/SecureBootDatabase.ResetKeys`, ({ db }) => {
    const d = known(db);
    if (!d) return undefined;
    return {
      post: (ctx) => {
        const v = readResetKeys(g, ctx, '#SecureBootDatabase.ResetKeys', RESET_DB);
        s.keys[d] = v === 'DeleteAllKeys' ? 0 : DEFAULT_KEYS[d];
        return undefined;
      },
    };
  });
}
