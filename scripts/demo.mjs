#!/usr/bin/env node
// `npm run demo`: start a mixed fleet of simulated BMCs (Redfish personalities and OpenBMC REST, over
// HTTPS with the simulator's CA), run hwctl across it the way an admin would, then stop it.
// Every command below is the real executable in a child process, exactly as typed at a shell.
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startSimulator } from '../dist/sim/fleet.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const bin = join(root, 'bin', 'hwctl');
const color = process.stdout.isTTY && !process.env.NO_COLOR;
const heading = (t) => console.log(color ? `\n\x1b[1;36m${t}\x1b[0m` : `\n${t}`);

const sim = await startSimulator({
  nodes: 12,
  flavor: 'mixed',
  personality: 'mixed',
  initialPower: 'mixed',
  transitionMs: 1500,
  seed: 'demo',
});

/** Run one hwctl command line against the simulated fleet; print it and its output. */
function hwctl(line) {
  heading(`$ ${line}`);
  const [cmd, ...args] = line.split(/\s+/);
  const argv = cmd === 'hwctl' ? args : [cmd, ...args];
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [bin, ...argv], {
      stdio: 'inherit',
      env: { ...process.env, HWCTL_INVENTORY: sim.inventory },
    });
    child.on('close', (code) => {
      if (code !== 0) console.log(`(exit ${code})`);
      resolve(code);
    });
  });
}

let failures = 0;
const expectExit = async (line, want) => {
  const code = await hwctl(line);
  if (code !== want) {
    failures++;
    console.log(`demo: expected exit ${want} from: ${line}`);
  }
};

try {
  console.log(`Simulator: ${sim.nodes.length} BMCs, inventory ${sim.inventory}`);
  await expectExit('hwctl nodels all mgt personality bmc -o table', 0);
  await expectExit('rpower all stat', 0);
  await expectExit('rpower all stat -c', 0);
  await expectExit('rpower all on --wait', 0);
  await expectExit('rpower all stat --expect on -o table', 0);
  await expectExit('rsetboot all net', 0);
  await expectExit('rsetboot all stat -c', 0);
  await expectExit('rsetboot all default -o table', 0);
  await expectExit('rpower sim00[1-4] reset', 0);
  await expectExit('rpower all bmcstate -c', 0);
  await expectExit('rinv sim00[1-2] model serial firm', 0);
  await expectExit('rinv all model -c', 0);
  await expectExit('rvitals sim001,sim002 temp wattage', 0);
  await expectExit('rvitals all fanspeed -o table', 0);
  await expectExit('rbeacon sim00[1-4] on', 0);
  await expectExit('rbeacon all stat -c', 0);
  await expectExit('reventlog sim001,sim002 5', 0);
  await expectExit('reventlog sim003 clear', 0);
  heading('# one BMC stops answering: the rest of the fleet is unaffected, exit code 1');
  sim.admin.setFaults({ hang: 1 }, sim.nodes[2].name);
  await expectExit('rpower all stat -t 3 -c', 1);
  sim.admin.clearFaults();
  await expectExit('rpower sim00[1-3] stat -o ndjson -q', 0);
  await expectExit('hwctl nodels nosuchnode', 2);
} finally {
  const stats = sim.stats();
  await sim.stop();
  heading('Simulator');
  console.log(`${stats.totalRequests} requests served; sessions left open: ${stats.openSessions}`);
  if (stats.openSessions !== 0) failures++;
}
process.exitCode = failures ? 1 : 0;
