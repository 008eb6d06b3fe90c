/**
 * The streamed upload (BmcRequest.upload) with nock: the body arrives whole with its Content-Length, the
 * multipart form is well formed, and an upload is never sent twice — not after a 503 or a timeout (a GET
 * would be retried).
 */
import { describe, expect, it, afterAll } from '@jest/globals';
import nock from 'nock';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BmcTransport } from '../../src/bmc/http.js';
import { resolveSettings } from '../../src/bmc/options.js';
import { describeLocalImage, multipartBody, rawBody } from '../../src/managers/firmware-image.js';
import { parseMultipart, multipartBoundary } from '../../src/sim/redfish/multipart.js';
import { useNock } from '../helpers/nock-harness.js';
import { PASSWORD, recordingServices, testNode } from '../bmc/helpers.js';
import { writeImage } from './images.js';

const ORIGIN = 'https://bmc01.test:443';
const dir = mkdtempSync(join(tmpdir(), 'hwctl-upload-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
useNock();

function transport() {
  const node = testNode();
  const services = recordingServices({});
  return new BmcTransport({
    node,
    settings: resolveSettings(node, services.options),
    services,
    password: PASSWORD,
  });
}

describe('streamed upload', () => {
  it('sends the raw image with its length, and reports progress', async () => {
    const file = writeImage(dir, 'bmc-raw.tar', '1.2.3', 'BMC', { size: 200_000 });
    const img = await describeLocalImage(file, '-u');
    expect(img).toMatchObject({ version: '1.2.3', purpose: 'BMC', size: readFileSync(file).length });
    let got: Buffer | undefined;
    let headers: Record<string, unknown> = {};
    nock(ORIGIN)
      .put('/upload/image')
      .reply(function (_uri, body) {
        headers = this.req.headers;
        got = bytes(body);
        return [200, '{"data":"ok"}'];
      });
    let last = 0;
    const res = await transport().request({
      method: 'PUT',
      path: '/upload/image',
      upload: rawBody(img, (sent) => (last = sent)),
    });
    expect(res.status).toBe(200);
    expect(headers['content-length']).toBe(String(img.size));
    expect(headers['content-type']).toBe('application/octet-stream');
    expect(got?.equals(readFileSync(file))).toBe(true);
    expect(last).toBe(img.size);
  });

  it('builds a multipart form the simulator parses: parameters and the file', async () => {
    const file = writeImage(dir, 'bmc-form.tar', '1.2.4', 'BMC', { size: 100_000 });
    const img = await describeLocalImage(file, '-a');
    const body = multipartBody(img, { Targets: [], '@Redfish.OperationApplyTime': 'OnReset' });
    const chunks: Buffer[] = [];
    for await (const c of body.open()) chunks.push(c as Buffer);
    const all = Buffer.concat(chunks);
    expect(all.length).toBe(body.length);
    const parts = parseMultipart(all, multipartBoundary(body.contentType)!);
    expect(parts.map((p) => p.name)).toEqual(['UpdateParameters', 'UpdateFile']);
    expect(JSON.parse(parts[0]!.data.toString())).toEqual({
      Targets: [],
      '@Redfish.OperationApplyTime': 'OnReset',
    });
    expect(parts[1]!.filename).toBe('bmc-form.tar');
    expect(parts[1]!.data.equals(readFileSync(file))).toBe(true);
  });

  it.each([
    ['a 503', (s: nock.Interceptor) => s.reply(503, 'busy'), undefined],
    ['a timeout', (s: nock.Interceptor) => s.delay(1000).reply(200, '{}'), 200],
  ])('is not sent again after %s', async (_what, answer, timeoutMs) => {
    const file = writeImage(dir, 'bmc-once.tar', '1.2.5', 'BMC');
    const img = await describeLocalImage(file, '-u');
    const scope = answer(nock(ORIGIN).post('/upload'));
    const second = nock(ORIGIN).post('/upload').reply(200, '{}');
    const outcome = await transport()
      .request({ method: 'POST', path: '/upload', upload: rawBody(img), ...(timeoutMs ? { timeoutMs } : {}) })
      .then((r) => r.status)
      .catch((e: Error) => e.message);
    expect(scope.isDone()).toBe(true);
    expect(second.isDone()).toBe(false);
    expect(outcome).toEqual(timeoutMs ? expect.stringMatching(/did not respond|timed? ?out/i) : 503);
    nock.cleanAll();
  });
});

function bytes(body: unknown): Buffer {
  const s = String(body);
  return /^[0-9a-f]+$/.test(s) && s.length % 2 === 0 ? Buffer.from(s, 'hex') : Buffer.from(s, 'utf8');
}
