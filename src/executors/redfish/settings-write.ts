/**
 * One PATCH of a Redfish setting, the way every BMC takes it:
 *  - a resource with `@Redfish.Settings` takes changes on its SettingsObject (the BMC applies them later,
 *    e.g. at its next reset): the PATCH goes there and the outcome says it is pending;
 *  - If-Match from the quirks table's etag handling (ifMatchFor; the client re-reads the ETag on 412/428);
 *  - a 202 answer with a task monitor is followed to its end (the client's task polling).
 */
import type { RedfishClient, RedfishResource, RedfishResponse } from '../../bmc/index.js';
import { odataIdOf } from '../../bmc/redfish-topology.js';
import { ifMatchFor, settingsUri, type NodeQuirks } from './quirks.js';

export interface SettingWrite {
  response: RedfishResponse;
  /** Where the PATCH went. */
  target: string;
  /** Set when the PATCH went to a Settings object: what the user is told. */
  pending?: string;
}

/** How long a setting's task may run before the node gives up on it. */
const TASK_TIMEOUT_MS = 120_000;

export async function patchSetting(
  client: RedfishClient,
  path: string,
  doc: RedfishResource,
  body: Record<string, unknown>,
  quirks: NodeQuirks,
): Promise<SettingWrite> {
  const settings = settingsUri(doc);
  const target = settings ?? path;
  // The Settings object's own ETag is not known yet: ifMatchFor(undefined) lets the client read it if needed.
  const response = await client.patch(target, body, await ifMatchFor(settings ? undefined : doc, quirks));
  if (response.status === 202) {
    const monitor = response.location ?? (response.body?.TaskState ? odataIdOf(response.body) : undefined);
    if (monitor) response.task = await client.waitTask(monitor, { timeoutMs: TASK_TIMEOUT_MS });
  }
  const out: SettingWrite = { response, target };
  if (settings)
    out.pending = `written to the Settings object ${settings}: the BMC applies it later (at its next reset)`;
  return out;
}
