/**
 * Boot override primitives for OpenBMC REST (/xyz/openbmc_project/control/host0), with xCAT's calls and
 * words (reference xcat-openbmc.md §2.3): one-time = one_time Enabled 1 + one_time BootSource;
 * persistent (-p) = one_time Enabled 0 + boot BootSource. OpenBMC has no `setup`, `floppy` or UEFI
 * switch here: those are refused in `validate`, before any BMC is touched.
 */
import { NodeError } from '../../core/errors.js';
import type { GroupContext, NodeContext } from '../../engine/executor.js';
import { openbmcClient } from '../../bmc/index.js';
import type { BootArgs, BootDevice, BootExecutor, BootSetArgs, BootSetting } from '../../managers/boot.js';
import { lastComponent } from './power.js';

const CONTROL = '/xyz/openbmc_project/control/host0';
const BOOT = `${CONTROL}/boot`;
const ONE_TIME = `${BOOT}/one_time`;
const SOURCE_PREFIX = 'xyz.openbmc_project.Control.Boot.Source.Sources.';

type OpenBmcDevice = Extract<BootDevice, 'hd' | 'net' | 'cd' | 'default'>;

export const OPENBMC_SOURCES: Record<OpenBmcDevice, string> = {
  hd: 'Disk',
  net: 'Network',
  cd: 'ExternalMedia',
  default: 'Default',
};

const DISPLAY: Record<string, string> = {
  Disk: 'Hard Drive',
  Network: 'Network',
  ExternalMedia: 'CD/DVD',
  Default: 'Default',
};

function isOpenBmcDevice(d: BootDevice): d is OpenBmcDevice {
  return d in OPENBMC_SOURCES;
}

type Props = Record<string, unknown>;

/** The enumerate answer as xCAT reads it: one_time when enabled, else the persistent source. */
export function openbmcBootSetting(data: unknown): BootSetting {
  const objects = (data && typeof data === 'object' ? data : {}) as Record<string, Props | undefined>;
  const oneTime = objects[ONE_TIME];
  const boot = objects[BOOT];
  const useOneTime = Boolean(oneTime && oneTime.Enabled && oneTime.Enabled !== '0');
  const from = useOneTime ? oneTime : boot;
  if (!from || from.BootSource === undefined) {
    throw new NodeError(
      'protocol',
      `Received wrong format response: control/host0/enumerate has no BootSource`,
    );
  }
  const raw = String(from.BootSource);
  const source = lastComponent(raw);
  const display = DISPLAY[source] ?? `Can not get valid rsetboot status, the data is ${source}`;
  const setting: BootSetting = { display, raw, persistent: !useOneTime };
  const device = (Object.keys(OPENBMC_SOURCES) as OpenBmcDevice[]).find((d) => OPENBMC_SOURCES[d] === source);
  if (device) setting.device = device;
  return setting;
}

class OpenBmcBootExecutor implements BootExecutor {
  readonly capability = 'boot' as const;
  readonly flavor = 'openbmc';

  validate(_op: string, args: unknown, _group: GroupContext): void {
    const a = args as BootArgs;
    if (a.device && !isOpenBmcDevice(a.device)) {
      throw new NodeError(
        'unsupported',
        `Unsupported option: ${a.device} (OpenBMC boot sources: hd, net, cd, default)`,
      );
    }
    if (a.device && a.uefi) throw new NodeError('unsupported', '-u (UEFI) is not supported for OpenBMC');
  }

  async getBoot(_args: undefined, ctx: NodeContext): Promise<BootSetting> {
    const client = await openbmcClient(ctx);
    return openbmcBootSetting(await client.get(`${CONTROL}/enumerate`));
  }

  async setBoot(args: BootSetArgs, ctx: NodeContext): Promise<void> {
    if (!isOpenBmcDevice(args.device))
      throw new NodeError('unsupported', `Unsupported option: ${args.device}`);
    const client = await openbmcClient(ctx);
    const source = SOURCE_PREFIX + OPENBMC_SOURCES[args.device];
    await client.put(`${ONE_TIME}/attr/Enabled`, args.persistent ? 0 : 1);
    await client.put(`${args.persistent ? BOOT : ONE_TIME}/attr/BootSource`, source);
  }
}

const executor: BootExecutor = new OpenBmcBootExecutor();
export default executor;
