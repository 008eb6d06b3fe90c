/**
 * This hwctl's version: what `hwctl --version` prints, and what the service-node handshake compares on
 * both ends.
 */
import { createRequire } from 'node:module';

/** Set by the bundler (scripts/bundle.mjs); absent when running the plain tsc output. */
declare const __HWCTL_VERSION__: string | undefined;

export const HWCTL_VERSION: string =
  typeof __HWCTL_VERSION__ === 'string'
    ? __HWCTL_VERSION__
    : (createRequire(import.meta.url)('../../package.json') as { version: string }).version;
