/**
 * Path → node lookup for generated services: patterns are literal paths where a segment written
 * `:name` matches any one segment. Ids may contain dots (`System.Embedded.1`); segments are
 * compared exactly.
 */
import type { ResourceNode, ResourceTree } from './tree.js';

type Factory = (params: Record<string, string>) => ResourceNode | undefined;

export class Router implements ResourceTree {
  private readonly routes: { segments: string[]; factory: Factory }[] = [];

  add(pattern: string, factory: Factory): this {
    this.routes.push({ segments: pattern.split('/').filter((s) => s !== ''), factory });
    return this;
  }

  /** A fixed node (no parameters). */
  node(path: string, node: () => ResourceNode): this {
    return this.add(path, () => node());
  }

  resolve(path: string): ResourceNode | undefined {
    const parts = path.split('/').filter((s) => s !== '');
    for (const r of this.routes) {
      if (r.segments.length !== parts.length) continue;
      const params: Record<string, string> = {};
      let ok = true;
      for (let i = 0; i < parts.length && ok; i++) {
        const seg = r.segments[i] as string;
        const part = parts[i] as string;
        if (seg.startsWith(':')) params[seg.slice(1)] = part;
        else ok = seg === part;
      }
      if (!ok) continue;
      const node = r.factory(params);
      if (node) return node;
    }
    return undefined;
  }
}
