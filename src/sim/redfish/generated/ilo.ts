/**
 * What HPE's `ilorest` needs of an iLO 5 beyond standard Redfish (evidence: HPE's iLO 5 3.00
 * resource definitions, HPEDevCom/redfishdocs `ilo5_serviceroot_resourcedefns300.md`):
 *  - the service root's `Oem.Hpe`: `Manager` is an **array** of `{ManagerType: "iLO 5",
 *    ManagerFirmwareVersion, …}` (ilorest reads `Manager[0].ManagerType` to know the iLO generation),
 *    `Sessions` login hints, `Moniker`, and `Links.ResourceDirectory`;
 *  - `/redfish/v1/ResourceDirectory/` (`HpeiLOResourceDirectory`): every instance with its type, which
 *    ilorest loads instead of crawling;
 *  - `/rest/v1/…`, the iLO 4 REST API prefix iLO 5 still answers as an alias of `/redfish/v1/…`
 *    (index.ts rewrites it).
 */
import type { JsonObject } from '../json.js';
import type { Router } from '../router.js';
import type { ResourceTree } from '../tree.js';
import { ROOT, type Gen } from './context.js';

export const RESOURCE_DIRECTORY = `${ROOT}/ResourceDirectory`;

export function hpeRootOem(g: Gen): JsonObject {
  const id = g.m.identity;
  const version = id.bmcFirmwareVersion.replace(/^(\d+\.\d+).*$/, '$1');
  return {
    Hpe: {
      '@odata.type': '#HpeiLOServiceExt.v2_3_0.HpeiLOServiceExt',
      Links: { ResourceDirectory: g.link(RESOURCE_DIRECTORY) },
      Manager: [
        {
          DefaultLanguage: 'en',
          FQDN: `${g.m.name}-ilo.localdomain`,
          HostName: `${g.m.name}-ilo`,
          Languages: [{ Language: 'en', TranslationName: 'English', Version: version }],
          ManagerFirmwareVersion: version,
          ManagerType: 'iLO 5',
          Status: { Health: 'OK' },
        },
      ],
      Moniker: {
        BMC: 'iLO',
        CLASS: 'Baseboard Management Controller',
        PRODABR: 'iLO',
        PRODFAM: 'Integrated Lights-Out',
        PRODGEN: 'iLO 5',
        PRODNAM: 'Integrated Lights-Out 5',
        VENDABR: 'HPE',
        VENDNAM: 'Hewlett Packard Enterprise',
      },
      Sessions: {
        CertCommonName: `${g.m.name}-ilo`,
        CertificateLoginEnabled: false,
        KerberosEnabled: false,
        LDAPAuthLicenced: false,
        LDAPEnabled: false,
        LocalLoginEnabled: true,
        LoginFailureDelay: 0,
        LoginHint: {
          Hint: 'POST to /Sessions to login using the following JSON object:',
          HintPOSTData: { UserName: 'username', Password: 'password' },
        },
        SecurityOverride: false,
        ServerName: '',
      },
      System: [{ Status: { Health: 'OK' } }],
      Time: new Date(g.m.clock.now()).toISOString().replace(/\.\d{3}Z$/, 'Z'),
    },
  };
}

/** Every resource reachable from the root (through `@odata.id` links), with its type. */
function instances(g: Gen, tree: ResourceTree): JsonObject[] {
  const seen = new Set<string>();
  const out: JsonObject[] = [];
  const queue = [ROOT];
  while (queue.length > 0 && seen.size < 5000) {
    const path = (queue.shift() as string).split('#')[0]?.replace(/\/+$/, '') as string;
    if (seen.has(path) || path === RESOURCE_DIRECTORY) continue;
    seen.add(path);
    const node = tree.resolve(path);
    if (!node?.get) continue;
    const doc = node.get();
    const methods = [
      'GET',
      ...(node.patch ? ['PATCH'] : []),
      ...(node.post ? ['POST'] : []),
      ...(node.delete ? ['DELETE'] : []),
    ];
    if (typeof doc['@odata.type'] === 'string')
      out.push({ '@odata.id': g.u(path), '@odata.type': doc['@odata.type'], HttpMethods: methods });
    const walk = (v: unknown): void => {
      if (Array.isArray(v)) v.forEach(walk);
      else if (v && typeof v === 'object')
        for (const [k, x] of Object.entries(v)) {
          if (k === '@odata.id' && typeof x === 'string' && x.startsWith(ROOT) && !x.includes('#'))
            queue.push(x);
          else walk(x);
        }
    };
    walk(doc);
  }
  return out;
}

export function addIloRoutes(r: Router, g: Gen): void {
  if (!g.p.hpeRest) return;
  r.node(RESOURCE_DIRECTORY, () => ({
    get: () => ({
      '@odata.id': g.u(RESOURCE_DIRECTORY),
      '@odata.type': '#HpeiLOResourceDirectory.v2_0_0.HpeiLOResourceDirectory',
      Id: 'ResourceDirectory',
      Name: 'Resource Directory',
      Instances: instances(g, r),
    }),
  }));
}

/** iLO's `/rest/v1` prefix, served as `/redfish/v1`. */
export function restAlias(path: string): string {
  return /^\/rest\/v1(\/|$)/i.test(path) ? `${ROOT}${path.slice('/rest/v1'.length)}` : path;
}
