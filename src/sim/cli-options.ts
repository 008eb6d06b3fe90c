/**
 * The `hwctl sim` options as yargs definitions. Kept apart from cli.ts so that `hwctl --help` and
 * `hwctl sim --help` load no simulator code.
 */
import type { Options } from 'yargs';
import { PERSONALITIES } from './types.js';

/** yargs option definitions for `hwctl sim` (keys are the flag names). */
export const simCommandOptions: Record<string, Options> = {
  nodes: { type: 'number', describe: 'Number of virtual BMCs (default 8, or one per --from-mockup capture)' },
  flavor: {
    type: 'string',
    choices: ['redfish', 'openbmc', 'mixed'],
    default: 'redfish',
    describe: 'Protocol of the BMCs',
  },
  personality: {
    type: 'string',
    describe: `Redfish personality: ${PERSONALITIES.filter((p) => p !== 'mockup').join('|')}|mixed, a list cycled over the nodes (idrac,ilo), or NODES=P,... (sim[001-004]=idrac)`,
  },
  'from-mockup': {
    type: 'string',
    array: true,
    describe: 'Serve a Redfish Mockup-Creator capture directory (repeatable)',
  },
  replay: {
    type: 'string',
    describe:
      'Serve a run recorded with --record DIR: one BMC per recorded node answering as recorded (docs/simulator.md)',
  },
  'base-port': {
    type: 'number',
    default: 0,
    describe: 'Port of the first BMC, the next on +1... (0: any free ports)',
  },
  listen: { type: 'string', default: '127.0.0.1', describe: 'Listen address (loopback unless given)' },
  http: { type: 'boolean', default: false, describe: 'Plain HTTP instead of HTTPS' },
  'update-push-only': {
    type: 'boolean',
    default: false,
    describe:
      'Redfish UpdateService with HttpPushUri only (no multipart), as older bmcweb and vendor firmware',
  },
  ssh: {
    type: 'boolean',
    default: false,
    describe: 'Give every BMC an SSH port too (inventory attrs.sshport), for rspconfig sshcfg',
  },
  'cert-per-bmc': {
    type: 'boolean',
    default: false,
    describe: 'Sign one certificate per BMC (CN = node name) instead of one shared by all',
  },
  'state-dir': {
    type: 'string',
    default: '.hwctl-sim',
    describe: 'Keeps the CA, password file and inventory',
  },
  'inventory-out': { type: 'string', describe: 'Also write the inventory to this file' },
  latency: { type: 'string', describe: 'Added latency, e.g. 50ms or 50ms~20ms (jitter)' },
  seed: { type: 'string', describe: 'Seed for identities, sensor drift and fault decisions' },
  fault: {
    type: 'string',
    array: true,
    describe:
      'Fault [NODES:]KIND[=VALUE], repeatable. KIND: 503, 500, reset, hang, malformed, slow (rates 0..1 or %), down, cert-mismatch, expire-sessions=30s, latency=200ms~50ms',
  },
  transition: { type: 'string', default: '2s', describe: 'Duration of PoweringOn/PoweringOff' },
  'bmc-reboot': {
    type: 'string',
    describe: 'How long a BMC reboot keeps the BMC away (default 5 × --transition)',
  },
  'session-timeout': { type: 'string', default: '30m', describe: 'Session idle timeout' },
  'session-limit': { type: 'number', describe: 'Sessions per BMC (default: per personality)' },
  'admin-port': { type: 'number', default: 0, describe: 'Admin API port on 127.0.0.1 (0: any free port)' },
  power: { type: 'string', choices: ['on', 'off', 'mixed'], default: 'on', describe: 'Initial host power' },
  'log-entries': { type: 'number', default: 3, describe: 'Entries pre-filled in each event log' },
  'node-prefix': { type: 'string', default: 'sim', describe: 'Node names are <prefix>001...' },
  verbose: { type: 'boolean', alias: 'v', default: false, describe: 'One line per request' },
};
