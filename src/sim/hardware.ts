/**
 * Identity and hardware inventory of one virtual server, derived deterministically from the node
 * name and the fleet seed. The inventory is built on first use so that a fleet of 10,000 idle
 * BMCs does not pay for lists nobody reads.
 */
import { Prng, hashString, mix } from './prng.js';

/** Which real-world vendor the generated identity resembles (chosen by the core from the personality). */
export type VendorProfile = 'generic' | 'dell' | 'hpe' | 'openbmc';

export interface MachineIdentity {
  nodeName: string;
  manufacturer: string;
  model: string;
  sku: string;
  serialNumber: string;
  partNumber: string;
  /** RFC 4122 form, lower case. */
  uuid: string;
  /** Host hostname as the OS would report it. */
  hostName: string;
  biosVersion: string;
  bmcFirmwareVersion: string;
  bmcModel: string;
  /** MAC of the BMC's own port. */
  bmcMac: string;
}

export interface Cpu {
  id: string;
  socket: string;
  manufacturer: string;
  model: string;
  cores: number;
  threads: number;
  maxSpeedMHz: number;
  present: boolean;
  health: 'OK' | 'Warning' | 'Critical';
}

export interface Dimm {
  id: string;
  location: string;
  manufacturer: string;
  partNumber: string;
  serialNumber: string;
  capacityMiB: number;
  speedMHz: number;
  memoryDeviceType: 'DDR4' | 'DDR5';
  present: boolean;
}

export interface HostNic {
  id: string;
  name: string;
  macAddress: string;
  speedMbps: number;
  linkUp: boolean;
}

export interface Drive {
  id: string;
  name: string;
  manufacturer: string;
  model: string;
  serialNumber: string;
  capacityBytes: number;
  mediaType: 'SSD' | 'HDD';
  protocol: 'SATA' | 'SAS' | 'NVMe';
}

export interface HardwareInventory {
  cpus: Cpu[];
  dimms: Dimm[];
  nics: HostNic[];
  drives: Drive[];
}

interface VendorTemplate {
  manufacturer: string;
  models: string[];
  bmcModel: string;
  bios: (p: Prng) => string;
  bmc: (p: Prng) => string;
  serial: (p: Prng) => string;
}

const SERIAL_CHARS = 'ABCDEFGHJKLMNPQRSTUVWXYZ0123456789';
function serialOf(p: Prng, prefix: string, length: number): string {
  let s = prefix;
  while (s.length < length) s += p.pick([...SERIAL_CHARS]);
  return s;
}

const VENDORS: Record<VendorProfile, VendorTemplate> = {
  generic: {
    manufacturer: 'Contoso',
    models: ['3500RX', '3500'],
    bmcModel: 'Joo Janta 200',
    bios: (p) => `P79 v1.${p.int(30, 59)} (${['09', '10', '11'][p.int(0, 2)]}/2023)`,
    bmc: (p) => `1.${p.int(40, 49)}.${p.int(0, 9)}`,
    serial: (p) => serialOf(p, '437XR', 10),
  },
  dell: {
    manufacturer: 'Dell Inc.',
    models: ['PowerEdge R650', 'PowerEdge R750', 'PowerEdge R6525'],
    bmcModel: '15G Monolithic',
    bios: (p) => `1.${p.int(8, 12)}.${p.int(0, 3)}`,
    bmc: (p) => `6.10.${p.int(0, 3)}0.00`,
    serial: (p) => serialOf(p, '', 7),
  },
  hpe: {
    manufacturer: 'HPE',
    models: ['ProLiant DL380 Gen10 Plus', 'ProLiant DL360 Gen10 Plus', 'ProLiant DL325 Gen10 Plus'],
    bmcModel: 'iLO 5',
    bios: (p) => `U46 v1.${p.int(50, 90)} (0${p.int(1, 9)}/1${p.int(0, 2)}/2023)`,
    bmc: (p) => `2.${p.int(70, 99)} Dec ${p.int(10, 28)} 2023`,
    serial: (p) => serialOf(p, 'MXQ', 10),
  },
  openbmc: {
    manufacturer: 'OpenBMC Project',
    models: ['Witherspoon', 'Romulus', 'Everest'],
    bmcModel: 'OpenBMC',
    bios: (p) => `open-power-witherspoon-v2.${p.int(3, 7)}-${p.int(10, 99)}`,
    bmc: (p) => `2.${p.int(12, 15)}.0-dev-${p.int(100, 999)}-g${p.hex(10)}`,
    serial: (p) => serialOf(p, '13', 10),
  },
};

const CPU_MODELS: Record<VendorProfile, string[]> = {
  generic: ['Multi-Core Intel(R) Xeon(R) processor 7xxx Series'],
  dell: ['Intel(R) Xeon(R) Gold 6338 CPU @ 2.00GHz', 'AMD EPYC 7543 32-Core Processor'],
  hpe: ['Intel(R) Xeon(R) Gold 6330 CPU @ 2.00GHz', 'AMD EPYC 7513 32-Core Processor'],
  openbmc: ['POWER9 (raw), altivec supported', 'POWER10'],
};

/** Locally administered unicast MAC, deterministic from the inputs. */
export function macFrom(...parts: number[]): string {
  const h1 = mix(...parts, 1);
  const h2 = mix(...parts, 2);
  const bytes = [0x02, (h1 >>> 24) & 0xff, (h1 >>> 16) & 0xff, (h1 >>> 8) & 0xff, h1 & 0xff, h2 & 0xff];
  return bytes.map((b) => b.toString(16).padStart(2, '0')).join(':');
}

/** A version-4-shaped UUID from a PRNG. */
function uuidFrom(p: Prng): string {
  const hex = p.hex(32).split('');
  hex[12] = '4';
  hex[16] = '89ab'[parseInt(hex[16] ?? '0', 16) & 3] ?? '8';
  const s = hex.join('');
  return `${s.slice(0, 8)}-${s.slice(8, 12)}-${s.slice(12, 16)}-${s.slice(16, 20)}-${s.slice(20)}`;
}

export function makeIdentity(nodeName: string, seed: number, vendor: VendorProfile): MachineIdentity {
  const p = new Prng(mix(seed, hashString(nodeName)));
  const t = VENDORS[vendor];
  const model = p.pick(t.models);
  return {
    nodeName,
    manufacturer: t.manufacturer,
    model,
    sku: `SKU-${p.hex(6).toUpperCase()}`,
    serialNumber: t.serial(p),
    partNumber: `${p.int(100, 999)}-${p.int(10000, 99999)}-${p.int(10, 99)}`,
    uuid: uuidFrom(p),
    hostName: nodeName,
    biosVersion: t.bios(p),
    bmcFirmwareVersion: t.bmc(p),
    bmcModel: t.bmcModel,
    bmcMac: macFrom(seed, hashString(nodeName), 0xb3c),
  };
}

export function makeHardware(
  identity: MachineIdentity,
  seed: number,
  vendor: VendorProfile,
): HardwareInventory {
  const p = new Prng(mix(seed, hashString(identity.nodeName), 0x4a7d));
  const cpuModel = p.pick(CPU_MODELS[vendor]);
  const amd = cpuModel.includes('AMD');
  const power = vendor === 'openbmc';
  const cores = power ? 22 : amd ? 32 : 28;
  const cpus: Cpu[] = [0, 1].map((i) => ({
    id: `cpu${i}`,
    socket: power ? `Processor ${i}` : `CPU ${i + 1}`,
    manufacturer: power ? 'IBM' : amd ? 'Advanced Micro Devices, Inc.' : 'Intel(R) Corporation',
    model: cpuModel,
    cores,
    threads: power ? cores * 4 : cores * 2,
    maxSpeedMHz: power ? 3800 : amd ? 3700 : 3400,
    present: true,
    health: 'OK' as const,
  }));
  const ddr5 = p.next() < 0.3;
  const dimmVendor = p.pick(['Samsung', 'Micron Technology', 'SK Hynix']);
  const dimms: Dimm[] = Array.from({ length: 8 }, (_, i) => ({
    id: `dimm${i}`,
    location: `${i < 4 ? 'A' : 'B'}${(i % 4) + 1}`,
    manufacturer: dimmVendor,
    partNumber: ddr5 ? 'M321R4GA3BB6-CQK' : 'M393A4K40DB3-CWE',
    serialNumber: p.hex(8).toUpperCase(),
    capacityMiB: 32768,
    speedMHz: ddr5 ? 4800 : 3200,
    memoryDeviceType: ddr5 ? 'DDR5' : 'DDR4',
    present: true,
  }));
  const nodeHash = hashString(identity.nodeName);
  const nics: HostNic[] = [0, 1].map((i) => ({
    id: `nic${i}`,
    name: `NIC.Integrated.1-${i + 1}`,
    macAddress: macFrom(seed, nodeHash, 0x41c, i),
    speedMbps: 25000,
    linkUp: i === 0,
  }));
  const drives: Drive[] = [0, 1].map((i) => ({
    id: `disk${i}`,
    name: `Disk ${i}`,
    manufacturer: 'ATA',
    model: i === 0 ? 'MZ7L3480HCHQ' : 'ST2000NM0055',
    serialNumber: serialOf(p, 'S4', 14),
    capacityBytes: i === 0 ? 480_103_981_056 : 2_000_398_934_016,
    mediaType: i === 0 ? 'SSD' : 'HDD',
    protocol: 'SATA',
  }));
  return { cpus, dimms, nics, drives };
}
