import { describe, it, expect } from '@jest/globals';
import { makeBmc, messageId, type Body } from './helpers.js';

describe('$expand', () => {
  it('the root advertises ExpandQuery per personality', () => {
    expect((makeBmc('generic').doc('/redfish/v1').ProtocolFeaturesSupported as Body).ExpandQuery).toEqual({
      ExpandAll: true,
      Levels: true,
      MaxLevels: 3,
      Links: true,
      NoLinks: true,
    });
    expect((makeBmc('idrac').doc('/redfish/v1').ProtocolFeaturesSupported as Body).ExpandQuery).toMatchObject(
      { ExpandAll: false, Levels: false },
    );
  });

  it('$expand=. on a collection returns the members in full', () => {
    const b = makeBmc('generic');
    const sensors = b.doc('/redfish/v1/Chassis/1/Sensors?$expand=.');
    const members = sensors.Members as Body[];
    expect(members.length).toBe(16);
    expect(members[0]).toMatchObject({
      '@odata.type': '#Sensor.v1_2_0.Sensor',
      Id: 'inlet_temp',
      ReadingUnits: 'Cel',
    });
    expect(members[0]).toEqual(b.doc('/redfish/v1/Chassis/1/Sensors/inlet_temp'));
  });

  it('. leaves Links alone; * expands them too; levels go deeper', () => {
    const b = makeBmc('generic');
    const dot = b.doc('/redfish/v1/Systems/1?$expand=.');
    expect((dot.Processors as Body).Members).toBeDefined();
    expect((dot.Links as Body).Chassis).toEqual([{ '@odata.id': '/redfish/v1/Chassis/1' }]);
    expect(((dot.Processors as Body).Members as Body[])[0]).toEqual({
      '@odata.id': '/redfish/v1/Systems/1/Processors/CPU1',
    });
    const star = b.doc('/redfish/v1/Systems/1?$expand=*');
    expect(((star.Links as Body).Chassis as Body[])[0]?.ChassisType).toBe('RackMount');
    const two = b.doc('/redfish/v1/Systems/1?$expand=.($levels=2)');
    expect(((two.Processors as Body).Members as Body[])[0]?.TotalCores).toBeGreaterThan(0);
    const tilde = b.doc('/redfish/v1/Systems/1?$expand=~');
    expect((tilde.Processors as Body).Members).toBeUndefined();
    expect(((tilde.Links as Body).ManagedBy as Body[])[0]?.ManagerType).toBe('BMC');
  });

  it('OpenBMC: . with levels, but not Links (* is 501)', () => {
    const b = makeBmc('openbmc');
    expect(((b.doc('/redfish/v1/Systems?$expand=.').Members as Body[])[0] as Body).Id).toBe('system');
    expect(b.get('/redfish/v1/Systems?$expand=*').status).toBe(501);
  });

  it('unsupported or malformed $expand answers an error', () => {
    const d = makeBmc('idrac').get('/redfish/v1/Systems?$expand=.');
    expect([d.status, messageId(d)]).toEqual([501, 'Base.1.12.QueryNotSupported']);
    const g = makeBmc('generic');
    expect(messageId(g.get('/redfish/v1/Systems?$expand=all'))).toBe(
      'Base.1.16.QueryParameterValueTypeError',
    );
    expect(messageId(g.get('/redfish/v1/Systems?$expand=.($levels=9)'))).toBe(
      'Base.1.16.QueryParameterOutOfRange',
    );
  });
});
