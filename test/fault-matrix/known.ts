/**
 * The fault-matrix cells that fail today, each for a client defect being fixed elsewhere. Their tests
 * run as `it.failing`: green while the defect is there, red as soon as the fix lands. When a fix lands,
 * delete its entry here (the cells become plain `it`) and list it in docs/fault-matrix.md as fixed.
 */
import type { KnownFailure } from './matrix.js';

const BOTH = (cell: string): string[] => [`${cell} on redfish`, `${cell} on openbmc`];

export const KNOWN_FAILURES: readonly KnownFailure[] = [
  {
    // The logout is sent once (retry 'none'): a 503/429, a reset or a refused connection, all answered
    // before the BMC did anything, leave the session open on the BMC.
    defect: 'logout 503/429/reset/refused is not retried: the session stays open',
    cells: [...BOTH('503 at logout'), ...BOTH('reset at logout')],
  },
  {
    // The BMC is away for OUTAGE_MS right after the last request before the logout: the logout is refused.
    defect: 'logout 503/429/reset/refused is not retried: the session stays open',
    cells: ['down at read on openbmc'],
    commands: ['rpower stat', 'reventlog'],
  },
  {
    // rpower on: the action after the read meets a reset (pooled connection dropped: the node fails and
    // its logout is refused, leaking the session) or a refusal (retried: all is well), as timing has it.
    defect: 'logout 503/429/reset/refused is not retried: the session stays open',
    cells: ['down at read on openbmc'],
    commands: ['rpower on'],
    racy: true,
  },
  {
    defect: 'logout 503/429/reset/refused is not retried: the session stays open',
    cells: BOTH('down at action'),
    commands: ['rpower on'],
  },
  {
    // The login opened a session (cookie set), its body did not parse: the node fails and the session leaks.
    defect: 'OpenBMC login with a malformed 200 body leaks its session',
    cells: ['malformed at login on openbmc'],
  },
  {
    // Headers (token, cookie) arrived, the body stalled: the login times out and the session is never closed.
    defect: 'a login whose body stalls after its headers leaks its session',
    cells: BOTH('stall at login'),
  },
  {
    // Redfish falls back to Basic when the session table is full (503); OpenBMC REST fails the node.
    defect: 'OpenBMC REST has no Basic fallback when the session table is full',
    cells: ['full at login on openbmc'],
  },
  {
    // NOT on the list handed to the fault-matrix work (found by it): commands that read in parallel
    // (rinv, rvitals) on Redfish fail with "[401] Invalid username or password" when the session is
    // dropped (expired; a BMC reboot does the same, but the reboot rows do not require success) while
    // sibling requests are in flight, instead of logging in again once. Sequential commands (rpower stat, reventlog) recover. Likely the same code as the defect
    // "sessions leaked when sibling requests re-login after logout under resets".
    defect: 'parallel requests after a session loss: Redfish fails with 401 instead of one re-login',
    cells: ['expire at read on redfish'],
    commands: ['rinv all'],
  },
  {
    defect: 'parallel requests after a session loss: Redfish fails with 401 instead of one re-login',
    cells: ['expire at login on redfish'],
    commands: ['rvitals all'],
  },
];
