/**
 * A firmware image given to rflash: a local file (checked and described once, before any BMC is touched)
 * or a URL for Redfish SimpleUpdate. Its bodies are streams opened per upload: the file is never held in
 * memory, whatever the fleet (each upload reads it through a 64 KB buffer; after the first, from the page
 * cache), and a multipart form is its small head and tail around that stream.
 */
import { createReadStream, statSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { Readable } from 'node:stream';
import { createHash, randomBytes } from 'node:crypto';
import { HwctlUsageError } from '../core/errors.js';
import type { UploadBody } from '../bmc/http.js';

export type ImagePurpose = 'BMC' | 'Host';

export interface LocalImage {
  kind: 'file';
  /** Absolute path. */
  path: string;
  name: string;
  size: number;
  /** From the MANIFEST's `version=` line (xCAT greps the tar for it), when there is one. */
  version?: string;
  purpose?: ImagePurpose;
  /** SHA-256 of the content, recorded in the state file (the same image when resuming). */
  sha256: string;
}

export interface RemoteImage {
  kind: 'url';
  url: string;
  name: string;
}

export type FirmwareImageSource = LocalImage | RemoteImage;

/** How much of the file the MANIFEST scan keeps between chunks (a line cut at a chunk edge). */
const CARRY = 256;

function purposeOf(v: string): ImagePurpose | undefined {
  const t = v.toLowerCase();
  if (t.includes('bmc')) return 'BMC';
  if (/host|bios|system|pnor/.test(t)) return 'Host';
  return undefined;
}

/**
 * Describe a local image: size, sha256, and `version=`/`purpose=` from a phosphor MANIFEST anywhere in
 * the bytes (an uncompressed tar holds it as text). One streaming pass; throws HwctlUsageError with
 * xCAT's wording when the file cannot be read.
 */
export async function describeLocalImage(file: string, option: string): Promise<LocalImage> {
  const path = resolve(file);
  let size: number;
  try {
    const st = statSync(path);
    if (!st.isFile())
      throw new HwctlUsageError(`Invalid firmware specified with ${option}: ${file} is not a file`);
    size = st.size;
  } catch (e) {
    if (e instanceof HwctlUsageError) throw e;
    throw new HwctlUsageError(`Cannot access ${file}. Check the management node and/or service nodes.`);
  }
  if (size === 0) throw new HwctlUsageError(`Invalid firmware specified with ${option}: ${file} is empty`);
  const hash = createHash('sha256');
  let version: string | undefined;
  let purpose: string | undefined;
  let carry = '';
  try {
    for await (const chunk of createReadStream(path, { highWaterMark: 64 * 1024 })) {
      const buf = chunk as Buffer;
      hash.update(buf);
      if (version !== undefined && purpose !== undefined) continue;
      const text = carry + buf.toString('latin1');
      version ??= /(?:^|[\n\0])version=([^\n\0]+)\n/.exec(text)?.[1]?.trim();
      purpose ??= /(?:^|[\n\0])purpose=([^\n\0]+)\n/.exec(text)?.[1]?.trim();
      carry = text.slice(-CARRY);
    }
  } catch (e) {
    throw new HwctlUsageError(
      `Cannot access ${file}. Check the management node and/or service nodes. (${(e as NodeJS.ErrnoException).code ?? e})`,
    );
  }
  const image: LocalImage = { kind: 'file', path, name: basename(path), size, sha256: hash.digest('hex') };
  if (version) image.version = version;
  const p = purpose ? purposeOf(purpose.split('.').pop() ?? '') : undefined;
  if (p) image.purpose = p;
  else if (version) image.purpose = purposeOf(basename(path)) ?? 'BMC';
  else if (purposeOf(basename(path))) image.purpose = purposeOf(basename(path))!;
  return image;
}

/** `version (purpose)` or the file name: how lines and progress name an image. */
export function imageLabel(img: FirmwareImageSource): string {
  return img.kind === 'file' && img.version ? img.version : img.name;
}

/** The raw image as a body (OpenBMC `/upload/image`, Redfish HttpPushUri). */
export function rawBody(img: LocalImage, onProgress?: UploadBody['onProgress']): UploadBody {
  return {
    open: () => createReadStream(img.path, { highWaterMark: 64 * 1024 }),
    length: img.size,
    contentType: 'application/octet-stream',
    ...(onProgress ? { onProgress } : {}),
  };
}

/**
 * A multipart/form-data body for MultipartHttpPushUri: an `UpdateParameters` JSON part and the
 * `UpdateFile` part, the file streamed between a head and a tail built once.
 */
export function multipartBody(
  img: LocalImage,
  parameters: Record<string, unknown>,
  onProgress?: UploadBody['onProgress'],
): UploadBody {
  const boundary = `hwctl-${randomBytes(12).toString('hex')}`;
  const safeName = img.name.replace(/["\r\n\\]/g, '_');
  const head = Buffer.from(
    `--${boundary}\r\n` +
      'Content-Disposition: form-data; name="UpdateParameters"\r\n' +
      'Content-Type: application/json\r\n\r\n' +
      `${JSON.stringify(parameters)}\r\n` +
      `--${boundary}\r\n` +
      `Content-Disposition: form-data; name="UpdateFile"; filename="${safeName}"\r\n` +
      'Content-Type: application/octet-stream\r\n\r\n',
  );
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  return {
    open: () =>
      Readable.from(
        (async function* () {
          yield head;
          for await (const c of createReadStream(img.path, { highWaterMark: 64 * 1024 })) yield c as Buffer;
          yield tail;
        })(),
        { objectMode: false },
      ),
    length: head.length + img.size + tail.length,
    contentType: `multipart/form-data; boundary=${boundary}`,
    ...(onProgress ? { onProgress } : {}),
  };
}
