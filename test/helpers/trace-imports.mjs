// Loaded with `node --import ./test/helpers/trace-imports.mjs`: records every module URL the process
// resolves into the file named by HWCTL_TRACE_IMPORTS, one per line (start-up tests use it).
import { register } from 'node:module';

register(new URL('./trace-imports-hooks.mjs', import.meta.url), {
  data: { file: process.env.HWCTL_TRACE_IMPORTS },
});
