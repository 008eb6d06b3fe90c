/**
 * The system event log of one virtual server (what Redfish shows as a LogService's Entries and
 * OpenBMC REST as /xyz/openbmc_project/logging/entry/<id>).
 */
import type { SimClock } from './clock.js';

export type LogSeverity = 'OK' | 'Warning' | 'Critical';

export interface LogEntry {
  /** Increasing from 1; never reused, even after a clear (like phosphor-logging). */
  id: number;
  /** Milliseconds since the epoch. */
  created: number;
  severity: LogSeverity;
  message: string;
  /** Registry-style id, e.g. `HwctlSim.1.0.HostPowerOn` (matches the Redfish MessageId pattern). */
  messageId: string;
  messageArgs: string[];
  resolved: boolean;
  /** Redfish SensorType-ish category, e.g. `System Event`, `Temperature`. */
  sensorType?: string;
  /** `KEY=VALUE` strings in the phosphor-logging AdditionalData form. */
  additionalData: string[];
}

export type NewLogEntry = Pick<LogEntry, 'severity' | 'message' | 'messageId'> &
  Partial<Pick<LogEntry, 'messageArgs' | 'sensorType' | 'additionalData' | 'resolved'>>;

export class EventLog {
  private entries: LogEntry[] = [];
  private nextId = 1;

  constructor(
    private readonly clock: SimClock,
    /** Oldest entries are dropped beyond this (OverWritePolicy WrapsWhenFull). */
    readonly maxEntries = 5000,
    private readonly onAdd?: (entry: LogEntry) => void,
  ) {}

  add(entry: NewLogEntry): LogEntry {
    const full: LogEntry = {
      id: this.nextId++,
      created: this.clock.now(),
      severity: entry.severity,
      message: entry.message,
      messageId: entry.messageId,
      messageArgs: entry.messageArgs ?? [],
      resolved: entry.resolved ?? false,
      additionalData: entry.additionalData ?? [],
      ...(entry.sensorType === undefined ? {} : { sensorType: entry.sensorType }),
    };
    this.entries.push(full);
    if (this.entries.length > this.maxEntries) this.entries.splice(0, this.entries.length - this.maxEntries);
    this.onAdd?.(full);
    return full;
  }

  /** Oldest first. The array is a copy. */
  list(): LogEntry[] {
    return [...this.entries];
  }

  get size(): number {
    return this.entries.length;
  }

  get(id: number): LogEntry | undefined {
    return this.entries.find((e) => e.id === id);
  }

  /** Removes everything; the caller decides whether a "log cleared" entry follows. */
  clear(): number {
    const n = this.entries.length;
    this.entries = [];
    return n;
  }

  delete(id: number): boolean {
    const i = this.entries.findIndex((e) => e.id === id);
    if (i < 0) return false;
    this.entries.splice(i, 1);
    return true;
  }

  setResolved(id: number, resolved: boolean): boolean {
    const e = this.get(id);
    if (!e) return false;
    e.resolved = resolved;
    return true;
  }

  /** Adds `count` routine entries (for paging tests), spread one second apart ending now. */
  fill(count: number): void {
    const now = this.clock.now();
    for (let i = 0; i < count; i++) {
      const e = this.add({
        severity: i % 17 === 0 ? 'Warning' : 'OK',
        message: `Simulated routine event ${i + 1} of ${count}`,
        messageId: 'HwctlSim.1.0.RoutineEvent',
        messageArgs: [String(i + 1), String(count)],
        sensorType: 'System Event',
      });
      e.created = now - (count - 1 - i) * 1000;
    }
  }
}
