/**
 * The lists a generated service root publishes, pinned over HTTPS on every generated personality:
 * `JsonSchemas` (one JsonSchemaFile per type served), `$metadata` (a reference for each of those same
 * types: one list behind both), and the message registries (one builder of their entries).
 */
import { describe, it, expect } from '@jest/globals';
import { Bmc, PERSONALITIES, fleetForFile } from './harness.js';

type Json = Record<string, unknown>;

const fleet = fleetForFile();

/** The types every generated personality serves (JsonSchemas members, sorted). */
const SERVED = [
  'AccountService.v1_10_0',
  'ActionInfo.v1_1_2',
  'Certificate.v1_5_0',
  'CertificateCollection',
  'CertificateLocations.v1_0_0',
  'CertificateService.v1_0_0',
  'Chassis.v1_22_0',
  'ChassisCollection',
  'ComputerSystem.v1_20_0',
  'ComputerSystemCollection',
  'Drive.v1_9_0',
  'EthernetInterface.v1_9_0',
  'EthernetInterfaceCollection',
  'Event.v1_7_0',
  'EventDestination.v1_14_0',
  'EventDestinationCollection',
  'EventService.v1_10_0',
  'JsonSchemaFile.v1_1_0',
  'JsonSchemaFileCollection',
  'LogEntry.v1_15_0',
  'LogEntryCollection',
  'LogService.v1_3_0',
  'LogServiceCollection',
  'Manager.v1_14_0',
  'ManagerAccount.v1_4_0',
  'ManagerAccountCollection',
  'ManagerCollection',
  'ManagerNetworkProtocol.v1_5_0',
  'Memory.v1_11_0',
  'MemoryCollection',
  'MessageRegistry.v1_6_0',
  'MessageRegistryFile.v1_1_0',
  'MessageRegistryFileCollection',
  'Power.v1_7_0',
  'Processor.v1_11_0',
  'ProcessorCollection',
  'Role.v1_2_2',
  'RoleCollection',
  'Sensor.v1_2_0',
  'SensorCollection',
  'ServiceRoot.v1_15_0',
  'Session.v1_6_0',
  'SessionCollection',
  'SessionService.v1_1_8',
  'SoftwareInventory.v1_2_0',
  'SoftwareInventoryCollection',
  'Storage.v1_9_0',
  'StorageCollection',
  'Task.v1_4_3',
  'TaskCollection',
  'TaskService.v1_1_4',
  'Thermal.v1_7_0',
  'UpdateService.v1_11_0',
];

const memberName = (m: unknown): string =>
  String((m as { '@odata.id': string })['@odata.id'])
    .replace(/\/+$/, '')
    .split('/')
    .pop() ?? '';

for (const p of PERSONALITIES) {
  describe(p, () => {
    it('JsonSchemas lists every type served, and $metadata references each of them', async () => {
      const bmc = new Bmc(fleet(), p);
      const schemas = await bmc.doc('/redfish/v1/JsonSchemas');
      const names = (schemas.Members as unknown[]).map(memberName);
      expect(names).toEqual(SERVED);
      expect(schemas['Members@odata.count']).toBe(SERVED.length);
      const md = await bmc.get('/redfish/v1/$metadata', 'admin', { headers: { Accept: 'application/xml' } });
      expect(md.status).toBe(200);
      const included = new Set(
        [...md.text.matchAll(/<edmx:Include Namespace="([^"]+)"\/>/g)].map((m) => m[1]),
      );
      expect(SERVED.filter((t) => !included.has(t))).toEqual([]);
      for (const t of SERVED) expect([t, included.has(t.split('.')[0] ?? '')]).toEqual([t, true]);
    });

    it('registry entries: NumberOfArgs and ParamTypes from the text, Severity repeating MessageSeverity', async () => {
      const bmc = new Bmc(fleet(), p);
      const re = await bmc.doc('/redfish/v1/Registries/ResourceEvent/ResourceEvent');
      const messages = re.Messages as Record<string, Json>;
      expect(messages.ResourcePoweredOn).toEqual({
        Description: 'Indicates that the power state of a resource has changed to powered on.',
        Message: 'The resource `%1` has powered on.',
        Severity: 'OK',
        MessageSeverity: 'OK',
        NumberOfArgs: 1,
        ParamTypes: ['string'],
        Resolution: 'None.',
      });
      expect(messages.TestMessage).toEqual({
        Description: 'A test message used to validate event delivery mechanisms.',
        Message: 'Test message.',
        Severity: 'OK',
        MessageSeverity: 'OK',
        NumberOfArgs: 0,
        Resolution: 'None.',
      });
      const base = await bmc.doc('/redfish/v1/Registries/Base/Base');
      const baseMessages = base.Messages as Record<string, Json>;
      expect(baseMessages.PropertyValueTypeError).toMatchObject({
        Severity: 'Warning',
        MessageSeverity: 'Warning',
        NumberOfArgs: 2,
        ParamTypes: ['string', 'string'],
      });
      for (const [id, m] of Object.entries({ ...baseMessages, ...messages })) {
        const args = new Set(String(m.Message).match(/%\d+/g) ?? []).size;
        expect([id, m.NumberOfArgs, m.Severity, m.Description]).toEqual([
          id,
          args,
          m.MessageSeverity,
          expect.any(String),
        ]);
        expect([id, m.ParamTypes]).toEqual([id, args ? Array(args).fill('string') : undefined]);
      }
    });
  });
}
