/**
 * logging/ (event log entries, DeleteAll, Resolved) and dump/ objects.
 */
import type { LogSeverity, SimMachine } from '../machine.js';
import { MachineError } from '../machine.js';
import { RestError, notFound } from './envelope.js';
import { BASE, asBool, type ObjectMap, type Provider } from './objects.js';

const LEVEL: Record<LogSeverity, string> = { OK: 'Informational', Warning: 'Warning', Critical: 'Critical' };

export function loggingProvider(m: SimMachine): Provider {
  return {
    root: `${BASE}/logging`,
    build(into: ObjectMap) {
      into.set(`${BASE}/logging`, {
        props: {},
        actions: {
          // phosphor-logging removes every entry and adds none
          DeleteAll: () => {
            m.log.clear();
            return null;
          },
        },
      });
      for (const e of m.log.list()) {
        const path = `${BASE}/logging/entry/${e.id}`;
        into.set(path, {
          props: {
            AdditionalData: [`_PID=${1000 + (e.id % 900)}`, `MESSAGE_ID=${e.messageId}`, ...e.additionalData],
            EventId: '',
            Id: e.id,
            Message: e.message,
            Resolution: '',
            Resolved: e.resolved,
            Severity: `xyz.openbmc_project.Logging.Entry.Level.${LEVEL[e.severity]}`,
            Timestamp: e.created,
            UpdateTimestamp: e.created,
          },
          set: { Resolved: (v) => void m.log.setResolved(e.id, asBool(v, 'Resolved')) },
          actions: {
            Delete: () => {
              if (!m.log.delete(e.id)) throw notFound(path);
              return null;
            },
          },
          remove: () => void m.log.delete(e.id),
        });
      }
    },
  };
}

export function dumpProvider(m: SimMachine): Provider {
  return {
    root: `${BASE}/dump`,
    build(into: ObjectMap) {
      into.set(`${BASE}/dump`, {
        props: {},
        actions: {
          CreateDump: () => {
            try {
              return m.createDump();
            } catch (e) {
              if (e instanceof MachineError)
                throw new RestError(400, e.message, 'xyz.openbmc_project.Dump.Create.Error.QuotaExceeded');
              throw e;
            }
          },
          DeleteAll: () => {
            m.deleteAllDumps();
            return null;
          },
        },
      });
      for (const d of m.listDumps()) {
        if (!d.completed) continue; // phosphor publishes the entry when the dump is written
        into.set(`${BASE}/dump/entry/${d.id}`, {
          props: { Elapsed: Math.floor(d.created / 1000), Size: d.size },
          actions: {
            Delete: () => {
              m.deleteDump(d.id);
              return null;
            },
          },
          remove: () => void m.deleteDump(d.id),
        });
      }
    },
  };
}
