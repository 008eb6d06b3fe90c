/**
 * This hwctl's version, as `hwctl --version` prints it (src/cli/main.ts reads it the same way): the
 * service-node handshake compares it on both ends.
 */
import { createRequire } from 'node:module';

/** Set by the bundler (scripts/bundle.mjs); absent when running the plain tsc output. */
declare const __HWCTL_VERSION__: string | undefined;

export const HWCTL_VERSION: string =
  typeof __HWCTL_VERSION__ === 'string'
    ? __HWCTL_VERSION__
    : (createRequire(import.meta.url)('../../package.json') as { version: string }).version;
