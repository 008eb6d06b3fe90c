/**
 * Per-machine state of the sushy-tools-like features (virtual media, BIOS settings, Secure Boot,
 * volumes, boot order). It lives with the SimMachine, not with a frontend, so it outlasts a BMC
 * reboot as the BMC's own storage would, and every frontend of one machine sees the same state.
 */
import type { SimMachine } from '../../machine.js';

const stores = new WeakMap<SimMachine, Map<string, unknown>>();

/** The `key` state of `m`, made by `init` on first use (init may subscribe to machine events). */
export function featureState<T>(m: SimMachine, key: string, init: () => T): T {
  let store = stores.get(m);
  if (!store) {
    store = new Map();
    stores.set(m, store);
  }
  if (!store.has(key)) store.set(key, init());
  return store.get(key) as T;
}

/** The state if it was ever made (undefined otherwise), for features that read each other. */
export function peekFeatureState<T>(m: SimMachine, key: string): T | undefined {
  return stores.get(m)?.get(key) as T | undefined;
}
