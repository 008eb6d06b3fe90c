#!/usr/bin/env node
// Keep package-lock.json installable with `npm ci` from this workplace's registry.
//
// The registry reachable here (and on CI) does not serve every platform-specific optional package
// (e.g. @unrs/resolver-binding-darwin-x64, pulled in by jest 30's resolver), so `npm install` records
// them as optional dependencies but cannot add their entries; `npm ci` then refuses the lock as out of
// sync. This drops, from each package's `optionalDependencies` in the lock, the names that have no entry
// in the lock. Run it after any `npm install` that changes package-lock.json.
import { readFileSync, writeFileSync } from 'node:fs';

const file = new URL('../package-lock.json', import.meta.url);
const lock = JSON.parse(readFileSync(file, 'utf8'));
const present = new Set(Object.keys(lock.packages).map((p) => p.replace(/^.*node_modules\//, '')));
let pruned = 0;
for (const entry of Object.values(lock.packages)) {
  if (!entry.optionalDependencies) continue;
  for (const name of Object.keys(entry.optionalDependencies)) {
    if (!present.has(name)) {
      delete entry.optionalDependencies[name];
      pruned++;
    }
  }
  if (Object.keys(entry.optionalDependencies).length === 0) delete entry.optionalDependencies;
}
writeFileSync(file, JSON.stringify(lock, null, 2) + '\n');
console.log(`package-lock.json: pruned ${pruned} optional dependencies the registry does not serve`);
