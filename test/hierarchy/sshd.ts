/** The loopback sshd of the service-node tests: scripts/loopback-sshd.mjs, shared with bench/hierarchy.mjs. */
export { SSHD, startSshd, type Sshd } from '../../scripts/loopback-sshd.mjs';
