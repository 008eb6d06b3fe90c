/** Image files for the rflash tests (no simulator import: the nock tests use it too). */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** A tar-like image: a MANIFEST text with version/purpose, padded with `size` bytes. */
export function writeImage(
  dir: string,
  name: string,
  version: string,
  purpose: 'BMC' | 'Host',
  o: { bad?: boolean; size?: number } = {},
): string {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, name);
  const manifest = Buffer.from(
    `MANIFEST\0purpose=xyz.openbmc_project.Software.Version.VersionPurpose.${purpose}\nversion=${version}\n${o.bad ? 'HWCTL-SIM-BAD-IMAGE\n' : ''}`,
  );
  writeFileSync(file, Buffer.concat([manifest, Buffer.alloc(o.size ?? 4096, 0x5a)]));
  return file;
}
