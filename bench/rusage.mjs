// The benchmark loads this into hwctl through NODE_OPTIONS=--import=<this file> (hwctl itself is started by
// its shebang, as an admin starts it): at exit, writes the process's own CPU time and peak RSS to the file
// named by HWCTL_RUSAGE_OUT (the benchmark reads it; a child's rusage is not otherwise visible from Node).
import { writeFileSync } from 'node:fs';

const out = process.env.HWCTL_RUSAGE_OUT;
if (out) {
  process.on('exit', () => {
    const u = process.resourceUsage();
    writeFileSync(
      out,
      JSON.stringify({ userMs: u.userCPUTime / 1000, systemMs: u.systemCPUTime / 1000, maxRssKb: u.maxRSS }),
    );
  });
}
