import { writeFileSync } from 'node:fs';

/**
 * Write a site plugin (docs/plugins: `plugins:` in the inventory) registering a power executor for
 * `flavor` whose nodes need no network: a CLI test drives the real bin through the whole pipeline with
 * node behaviour of its choosing. `getState`/`setState` are method bodies (JavaScript source, with `api`
 * and `ctx` in scope); `imports` is prepended to the module.
 */
export function writePowerPlugin(
  file: string,
  flavor: string,
  methods: { imports?: string; getState?: string; setState?: string },
): void {
  writeFileSync(
    file,
    `${methods.imports ?? ''}
export default function (api) {
  api.registerExecutor('power', ${JSON.stringify(flavor)}, {
    capability: 'power',
    flavor: ${JSON.stringify(flavor)},
    async getState(_a, ctx) { ${methods.getState ?? "return { phase: 'on', display: 'on' };"} },
    async setState(args, ctx) { ${methods.setState ?? "return { sent: args.target ?? 'on' };"} },
    async getBmcState() { return { ready: true, display: 'BMC Ready' }; },
    async rebootBmc() { return {}; },
  });
}
`,
  );
}
