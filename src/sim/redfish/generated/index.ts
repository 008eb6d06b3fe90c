/** The resource tree of a generated BMC of one personality. */
import type { SimMachine } from '../../machine.js';
import type { ErrorFactory } from '../errors.js';
import type { Profile } from '../personalities.js';
import { Router } from '../router.js';
import type { ResourceTree } from '../tree.js';
import { addBiosRoutes } from './bios.js';
import { addBootOptionRoutes } from './bootoptions.js';
import { addChassisRoutes } from './chassis.js';
import { makeGen, type Gen } from './context.js';
import { addDumpRoutes } from './dump.js';
import { addIloRoutes } from './ilo.js';
import { addJournalRoutes } from './journal.js';
import { addLogRoutes } from './logs.js';
import { addManagerRoutes } from './manager.js';
import { addRootRoutes } from './root.js';
import { addSecureBootRoutes } from './secureboot.js';
import { addStorageRoutes } from './storage.js';
import { addSystemRoutes } from './system.js';
import { addUpdateRoutes } from './update.js';
import { addVirtualMediaRoutes } from './vmedia.js';

export function generatedTree(
  machine: SimMachine,
  profile: Profile,
  errors: ErrorFactory,
): { tree: ResourceTree; gen: Gen } {
  const g = makeGen(machine, profile, errors);
  const r = new Router();
  addRootRoutes(r, g);
  addSystemRoutes(r, g);
  addChassisRoutes(r, g);
  addManagerRoutes(r, g);
  addLogRoutes(r, g);
  if (g.p.dump) addDumpRoutes(r, g);
  addJournalRoutes(r, g);
  addUpdateRoutes(r, g);
  // The sushy-tools feature set (docs/simulator.md "Feature table"), as far as the personality has it.
  addVirtualMediaRoutes(r, g);
  addStorageRoutes(r, g);
  addBiosRoutes(r, g);
  addSecureBootRoutes(r, g);
  addBootOptionRoutes(r, g);
  addIloRoutes(r, g);
  return { tree: r, gen: g };
}

/** The SessionService document of a generated BMC (live values are added by the shell). */
export function sessionServiceDoc(g: Gen): () => Record<string, import('../json.js').Json> {
  return () => ({
    '@odata.id': g.u('/redfish/v1/SessionService'),
    '@odata.type': '#SessionService.v1_1_8.SessionService',
    Id: 'SessionService',
    Name: 'Session Service',
    Description: 'Session Service',
    Status: { State: 'Enabled', Health: 'OK' },
  });
}
