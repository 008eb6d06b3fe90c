/**
 * A Redfish Mockup-Creator capture on disk, short form: `DIR/index.json` is `/redfish/v1` and
 * `DIR/<Path>/index.json` is `/redfish/v1/<Path>`. Files are read when first asked for and kept;
 * one `Capture` per directory is shared by every BMC serving it, so documents are never mutated
 * (overlays copy).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { isObject, type JsonObject } from '../json.js';

const ROOT = '/redfish/v1';

export class CaptureError extends Error {
  override name = 'CaptureError';
}

export class Capture {
  private readonly docs = new Map<string, JsonObject | null>();
  private metadataText: string | null | undefined;

  constructor(readonly dir: string) {}

  /** The file holding a normalised `/redfish/v1/...` path, or undefined for paths outside it. */
  fileOf(path: string): string | undefined {
    if (path !== ROOT && !path.startsWith(`${ROOT}/`)) return undefined;
    const rel = path
      .slice(ROOT.length)
      .split('/')
      .filter((s) => s !== '');
    // Never leave the capture directory.
    if (rel.some((s) => s === '.' || s === '..' || s.includes('\\') || s.includes('\0'))) return undefined;
    return join(this.dir, ...rel, 'index.json');
  }

  /** The captured document at a normalised path (no trailing slash), or undefined. */
  doc(path: string): JsonObject | undefined {
    const cached = this.docs.get(path);
    if (cached !== undefined) return cached ?? undefined;
    const file = this.fileOf(path);
    let doc: JsonObject | null = null;
    if (file && existsSync(file)) {
      let parsed: unknown;
      try {
        parsed = JSON.parse(readFileSync(file, 'utf8')) as unknown;
      } catch (e) {
        throw new CaptureError(`${file}: not valid JSON (${e instanceof Error ? e.message : String(e)})`);
      }
      if (!isObject(parsed)) throw new CaptureError(`${file}: not a JSON object`);
      doc = parsed;
    }
    this.docs.set(path, doc);
    return doc ?? undefined;
  }

  /** `$metadata` as captured (`DIR/$metadata/index.xml`), if it was. */
  metadata(): string | undefined {
    if (this.metadataText === undefined) {
      const file = join(this.dir, '$metadata', 'index.xml');
      this.metadataText = existsSync(file) ? readFileSync(file, 'utf8') : null;
    }
    return this.metadataText ?? undefined;
  }
}

const captures = new Map<string, Capture>();

/** The shared capture of a directory; throws CaptureError when it holds no `index.json`. */
export function loadCapture(dir: string): Capture {
  const abs = resolve(dir);
  let c = captures.get(abs);
  if (!c) {
    if (!existsSync(join(abs, 'index.json')))
      throw new CaptureError(`${dir}: no index.json (expected a Redfish Mockup-Creator capture, short form)`);
    c = new Capture(abs);
    captures.set(abs, c);
  }
  return c;
}
