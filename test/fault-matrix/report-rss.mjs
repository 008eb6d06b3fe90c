// Preloaded into the hwctl child (NODE_OPTIONS=--import) by bodies.test.ts: prints the process's peak
// RSS on stderr as it exits, so the test can bound the memory a BMC's body cost.
import { writeSync } from 'node:fs';

process.on('exit', () => writeSync(2, `\nhwctl-maxrss-kb=${process.resourceUsage().maxRSS}\n`));
