/**
 * software/ objects: images with Activation/Priority/Progress, the functional and active
 * associations, activation and deletion; and the image upload (`PUT /upload/image`).
 */
import type { SimMachine } from '../machine.js';
import { FirmwareError } from '../firmware.js';
import { RestError } from './envelope.js';
import { BASE, asEnum, asInt, asBool, type ObjectMap, type Provider } from './objects.js';

const ACTIVATION = 'xyz.openbmc_project.Software.Activation.Activations';
const REQUESTED = 'xyz.openbmc_project.Software.Activation.RequestedActivations';
const PURPOSE = 'xyz.openbmc_project.Software.Version.VersionPurpose';

export function firmwareCall<T>(fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof FirmwareError)
      throw new RestError(
        e.kind === 'notFound' ? 404 : e.kind === 'conflict' ? 403 : 400,
        e.message,
        'xyz.openbmc_project.Common.Error.InvalidArgument',
      );
    throw e;
  }
}

export function softwareProvider(m: SimMachine): Provider {
  return {
    root: `${BASE}/software`,
    build(into: ObjectMap) {
      const fw = m.firmware;
      const images = fw.list();
      into.set(`${BASE}/software/functional`, {
        props: { endpoints: images.filter((i) => i.functional).map((i) => `${BASE}/software/${i.id}`) },
      });
      into.set(`${BASE}/software/active`, {
        props: {
          endpoints: images.filter((i) => i.activation === 'Active').map((i) => `${BASE}/software/${i.id}`),
        },
      });
      for (const img of images) {
        const props: Record<string, unknown> = {
          Activation: `${ACTIVATION}.${img.activation}`,
          ExtendedVersion:
            img.purpose === 'Host' ? `buildroot-${img.version},skiboot-v6.5,hostboot-${img.version}` : '',
          Path: '',
          Purpose: `${PURPOSE}.${img.purpose}`,
          RequestedActivation: `${REQUESTED}.${img.activation === 'Ready' || img.activation === 'Failed' ? 'None' : 'Active'}`,
          Version: img.version,
        };
        if (img.activation === 'Active' || img.activation === 'Activating') props.Priority = img.priority;
        if (img.activation === 'Activating' || img.activation === 'Active') props.Progress = img.progress;
        into.set(`${BASE}/software/${img.id}`, {
          props,
          set: {
            RequestedActivation: (v) => {
              const r = asEnum(v, REQUESTED, ['None', 'Active'] as const, 'RequestedActivation');
              if (r === 'Active') firmwareCall(() => fw.activate(img.id));
            },
            // Python xCAT sends `false` for 0 (older firmware accepted it)
            Priority: (v) => {
              const p =
                typeof v === 'boolean' ? (asBool(v, 'Priority') ? 1 : 0) : asInt(v, 'Priority', 0, 255);
              firmwareCall(() => fw.setPriority(img.id, p));
            },
          },
          actions: {
            Delete: () => {
              firmwareCall(() => fw.delete(img.id));
              return null;
            },
          },
          remove: () => firmwareCall(() => fw.delete(img.id)),
        });
      }
    },
  };
}
