import { describe, it, expect } from '@jest/globals';
import { makeBmc, messageId, type Body, type TestBmc } from './helpers.js';

const UPDATE = '/redfish/v1/UpdateService';
const SIMPLE = `${UPDATE}/Actions/UpdateService.SimpleUpdate`;

function multipart(
  file: Buffer,
  filename: string,
  params: unknown = { Targets: [], '@Redfish.OperationApplyTime': 'Immediate' },
) {
  const boundary = 'XyZzY-boundary';
  const body = Buffer.concat([
    Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="UpdateParameters"\r\nContent-Type: application/json\r\n\r\n${JSON.stringify(params)}\r\n`,
    ),
    Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="UpdateFile"; filename="${filename}"\r\nContent-Type: application/octet-stream\r\n\r\n`,
    ),
    file,
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
  return { raw: body, headers: { 'Content-Type': `multipart/form-data; boundary=${boundary}` } };
}

function task(b: TestBmc, monitor: string): { status: number; body: Body } {
  const r = b.get(monitor);
  return { status: r.status, body: r.body as Body };
}

describe('UpdateService and tasks', () => {
  it('SimpleUpdate answers 202 with a task monitor that runs to Completed', () => {
    const b = makeBmc('generic', { name: 'fw1' });
    const r = b.call('POST', SIMPLE, {
      body: { ImageURI: 'http://10.0.0.1/images/bmc-1.50.0.tar', TransferProtocol: 'HTTP' },
    });
    expect(r.status).toBe(202);
    const monitor = r.headers?.Location as string;
    expect(monitor).toMatch(/^\/redfish\/v1\/TaskService\/TaskMonitors\/\d+$/);
    expect(r.body).toMatchObject({ TaskState: 'Running', PercentComplete: 0 });
    b.clock.advance(2500);
    const mid = task(b, monitor);
    expect(mid.status).toBe(202);
    expect(mid.body.PercentComplete).toBe(50);
    b.clock.advance(2500);
    const done = task(b, monitor);
    expect(done.status).toBe(200);
    expect(done.body).toMatchObject({ TaskState: 'Completed', TaskStatus: 'OK', PercentComplete: 100 });
    const id = done.body.Id as string;
    expect(b.doc(`/redfish/v1/TaskService/Tasks/${id}`).TaskState).toBe('Completed');
    expect((b.doc('/redfish/v1/TaskService/Tasks').Members as Body[]).length).toBe(1);
    const inv = b.doc(`${UPDATE}/FirmwareInventory`).Members as Body[];
    const versions = inv
      .map((m) => b.doc(m['@odata.id'] as string))
      .map((d) => [d.Version, (d.Status as Body).State]);
    expect(versions).toContainEqual(['1.50.0', 'StandbySpare']);
    // it runs after the next BMC reboot
    b.call('POST', '/redfish/v1/Managers/1/Actions/Manager.Reset', { body: { ResetType: 'ForceRestart' } });
    b.clock.advance(b.machine.bmcRebootMs);
    expect(b.doc('/redfish/v1/Managers/1').FirmwareVersion).toBe('1.50.0');
  });

  it('a bad image ends in Exception with a Critical message', () => {
    const b = makeBmc('generic');
    const r = b.call('POST', SIMPLE, { body: { ImageURI: 'https://repo/bmc-corrupt-2.0.1.tar' } });
    const monitor = r.headers?.Location as string;
    b.clock.advance(10_000);
    const t = task(b, monitor);
    expect(t.status).toBe(200);
    expect(t.body).toMatchObject({ TaskState: 'Exception', TaskStatus: 'Critical' });
    expect((t.body.Messages as Body[])[0]).toMatchObject({ MessageId: 'Update.1.0.VerificationFailed' });
  });

  it('something that is not an image is a task in Exception at once', () => {
    const b = makeBmc('generic');
    const r = b.call('POST', SIMPLE, { body: { ImageURI: 'http://repo/readme.txt' } });
    expect(r.status).toBe(202);
    expect(r.body).toMatchObject({ TaskState: 'Exception' });
  });

  it('SimpleUpdate validates its parameters', () => {
    const b = makeBmc('generic');
    expect(messageId(b.call('POST', SIMPLE, { body: {} }))).toBe('Base.1.16.ActionParameterMissing');
    expect(messageId(b.call('POST', SIMPLE, { body: { ImageURI: 'bmc-1.2.3.tar' } }))).toBe(
      'Base.1.16.ActionParameterValueFormatError',
    );
    expect(messageId(b.call('POST', SIMPLE, { body: { ImageURI: 'gopher://x/bmc-1.2.3.tar' } }))).toBe(
      'Base.1.16.ActionParameterValueFormatError',
    );
    expect(
      messageId(
        b.call('POST', SIMPLE, { body: { ImageURI: 'http://x/bmc-1.2.3.tar', TransferProtocol: 'CARRIER' } }),
      ),
    ).toBe('Base.1.16.ActionParameterValueNotInList');
    expect(
      b.call('POST', SIMPLE, { body: { ImageURI: '10.1.1.1/fw/bios-2.1.0.bin', TransferProtocol: 'TFTP' } })
        .status,
    ).toBe(202);
    const leak = b.call('POST', SIMPLE, { body: { ImageURI: 'http://x/bmc-1.2.3.tar', Password: 7 } });
    expect(JSON.stringify(leak.body)).not.toContain('7"');
  });

  it('MultipartHttpPushUri takes UpdateParameters + UpdateFile; the MANIFEST gives version and purpose', () => {
    const b = makeBmc('generic');
    const us = b.doc(UPDATE);
    expect(us.MultipartHttpPushUri).toBe('/redfish/v1/UpdateService/upload');
    const file = Buffer.from(
      'purpose=xyz.openbmc_project.Software.Version.VersionPurpose.Host\nversion=P79 v9.99\n',
    );
    const r = b.call('POST', us.MultipartHttpPushUri as string, multipart(file, 'image.bin'));
    expect(r.status).toBe(202);
    b.clock.advance(5000);
    expect(task(b, r.headers?.Location as string).body.TaskState).toBe('Completed');
    b.call('POST', '/redfish/v1/Systems/1/Actions/ComputerSystem.Reset', {
      body: { ResetType: 'ForceRestart' },
    });
    b.clock.advance(1000);
    expect(b.doc('/redfish/v1/Systems/1').BiosVersion).toBe('P79 v9.99');
    const noFile = b.call('POST', us.MultipartHttpPushUri as string, {
      raw: Buffer.from(
        '--b\r\nContent-Disposition: form-data; name="UpdateParameters"\r\n\r\n{}\r\n--b--\r\n',
      ),
      headers: { 'Content-Type': 'multipart/form-data; boundary=b' },
    });
    expect([noFile.status, messageId(noFile)]).toEqual([400, 'Base.1.16.PropertyMissing']);
  });

  it('OpenBMC: no SimpleUpdate; multipart and raw pushes on /redfish/v1/UpdateService/update', () => {
    const b = makeBmc('openbmc');
    const us = b.doc(UPDATE);
    expect(us.Actions).toBeUndefined();
    expect(us).toMatchObject({
      HttpPushUri: '/redfish/v1/UpdateService/update',
      MultipartHttpPushUri: '/redfish/v1/UpdateService/update',
    });
    expect(b.call('POST', SIMPLE, { body: { ImageURI: 'http://x/bmc-1.tar' } }).status).toBe(404);
    const raw = b.call('POST', '/redfish/v1/UpdateService/update', {
      raw: Buffer.from('version=2.16.0\npurpose=xyz.openbmc_project.Software.Version.VersionPurpose.BMC\n'),
      headers: { 'Content-Type': 'application/octet-stream' },
    });
    expect(raw.status).toBe(202);
    const mp = b.call(
      'POST',
      '/redfish/v1/UpdateService/update',
      multipart(Buffer.from('HWCTL-SIM-BAD-IMAGE'), 'bmc-9.9.9.tar'),
    );
    expect(mp.status).toBe(202);
    b.clock.advance(10_000);
    expect(task(b, raw.headers?.Location as string).body.TaskState).toBe('Completed');
    expect(task(b, mp.headers?.Location as string).body.TaskState).toBe('Exception');
  });

  it('iDRAC has SimpleUpdate and MultipartUpload; iLO SimpleUpdate only', () => {
    expect(makeBmc('idrac').doc(UPDATE).MultipartHttpPushUri).toBe(
      '/redfish/v1/UpdateService/MultipartUpload',
    );
    const ilo = makeBmc('ilo').doc(`${UPDATE}/`);
    expect(ilo.MultipartHttpPushUri).toBeUndefined();
    expect((ilo.Actions as Record<string, Body>)['#UpdateService.SimpleUpdate']?.target).toBe(
      '/redfish/v1/UpdateService/Actions/UpdateService.SimpleUpdate/',
    );
  });
});
