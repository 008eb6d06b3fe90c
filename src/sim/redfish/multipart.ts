/**
 * A minimal multipart/form-data reader for firmware pushes (`UpdateParameters` JSON part and
 * `UpdateFile` binary part). Works on the whole body already in memory.
 */

export interface FormPart {
  name: string;
  filename?: string;
  contentType?: string;
  data: Buffer;
}

/** The boundary from a Content-Type header, or undefined when it is not multipart/form-data. */
export function multipartBoundary(contentType: string | undefined): string | undefined {
  if (!contentType || !/^multipart\/form-data/i.test(contentType.trim())) return undefined;
  const m = /boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
  return m?.[1] ?? m?.[2];
}

function headerParam(line: string, name: string): string | undefined {
  const m = new RegExp(`${name}="([^"]*)"|${name}=([^;\\s]+)`, 'i').exec(line);
  return m?.[1] ?? m?.[2];
}

/** Parses the parts; throws Error with a readable reason on malformed input. */
export function parseMultipart(body: Buffer, boundary: string): FormPart[] {
  const delim = Buffer.from(`--${boundary}`);
  const parts: FormPart[] = [];
  let pos = body.indexOf(delim);
  if (pos < 0) throw new Error(`multipart body has no boundary "${boundary}"`);
  for (;;) {
    pos += delim.length;
    // "--" after the delimiter ends the body
    if (body[pos] === 0x2d && body[pos + 1] === 0x2d) break;
    if (body[pos] === 0x0d && body[pos + 1] === 0x0a) pos += 2;
    else if (body[pos] === 0x0a) pos += 1;
    const headerEnd = body.indexOf('\r\n\r\n', pos);
    if (headerEnd < 0) throw new Error('multipart part without a header/body separator');
    const headers = body.subarray(pos, headerEnd).toString('utf8').split(/\r\n/);
    const next = body.indexOf(delim, headerEnd + 4);
    if (next < 0) throw new Error('multipart body is not terminated');
    let end = next;
    if (body[end - 2] === 0x0d && body[end - 1] === 0x0a) end -= 2;
    else if (body[end - 1] === 0x0a) end -= 1;
    const disposition = headers.find((h) => /^content-disposition:/i.test(h)) ?? '';
    const type = headers.find((h) => /^content-type:/i.test(h));
    const name = headerParam(disposition, 'name');
    if (name === undefined) throw new Error('multipart part without a name');
    const filename = headerParam(disposition, 'filename');
    parts.push({
      name,
      ...(filename !== undefined ? { filename } : {}),
      ...(type ? { contentType: type.replace(/^content-type:\s*/i, '') } : {}),
      data: body.subarray(headerEnd + 4, end),
    });
    pos = next;
  }
  return parts;
}
