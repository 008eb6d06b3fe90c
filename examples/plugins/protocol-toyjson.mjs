/**
 * An example protocol plugin (docs/plugins.md): `mgt: toyjson` BMCs, a tiny JSON API
 *
 *   GET  /toy/v1/power          → {"power": "on" | "off" | "powering-on" | "powering-off"}
 *   POST /toy/v1/power          ← {"power": "on" | "off" | "soft"}   → 202
 *   GET  /toy/v1/bmc            → {"state": "ready" | "starting"}
 *   POST /toy/v1/bmc/reboot     → 202
 *
 * each request authenticated with HTTP Basic. It implements `rpower` (stat, on, off, softoff, bmcstate,
 * bmcreboot; reset/boot fall back to off then on). Load it with `plugins: [./protocol-toyjson.mjs]` and
 * give nodes `mgt: toyjson`.
 *
 * What it shows: the plugin never holds the BMC password. It asks hwctl for the node's BMC
 * (`api.bmc(ctx)`) and sets `basic: true`; hwctl adds the credentials, runs the request over the node's
 * transport (direct, proxy, a plugin transport), with its TLS policy, timeouts, retries, --debug
 * (secrets masked) and --record.
 */
const PHASES = new Set(['on', 'off', 'powering-on', 'powering-off']);
const SENT = { on: 'on', off: 'off', softoff: 'soft' };

export default function register(api) {
  if (typeof api.registerProtocol !== 'function') {
    throw new Error('this plugin needs hwctl plugin API v1 with registerProtocol (hwctl 0.2 or later)');
  }

  /** GET a document, or fail the node with the BMC's own words. */
  async function read(ctx, path) {
    const res = await api.bmc(ctx).request({ method: 'GET', path, basic: true });
    if (res.status === 401) throw new api.NodeError('auth', '[401] Invalid username or password', 401);
    if (res.status !== 200) throw new api.NodeError('http', `[${res.status}] GET ${path}`, res.status);
    const body = res.json();
    if (typeof body !== 'object' || body === null) {
      throw new api.NodeError('protocol', `GET ${path}: expected a JSON object`);
    }
    return body;
  }

  /** POST an action; an action is sent once (hwctl retries it only if it provably never left). */
  async function act(ctx, path, json) {
    const res = await api.bmc(ctx).request({ method: 'POST', path, json, basic: true });
    if (res.status === 401) throw new api.NodeError('auth', '[401] Invalid username or password', 401);
    if (res.status < 200 || res.status > 299) {
      throw new api.NodeError('http', `[${res.status}] POST ${path}`, res.status);
    }
  }

  api.registerProtocol({
    name: 'toyjson',
    summary: 'the toy JSON BMC API of examples/plugins',
    executors: {
      power: {
        capability: 'power',
        flavor: 'toyjson',
        async getState(_args, ctx) {
          const { power } = await read(ctx, '/toy/v1/power');
          if (!PHASES.has(power)) return { phase: 'other', display: String(power) };
          return { phase: power, display: power };
        },
        async setState({ target }, ctx) {
          const sent = SENT[target];
          if (!sent) throw new api.NodeError('unsupported', `toyjson BMCs cannot ${target}`);
          await act(ctx, '/toy/v1/power', { power: sent });
          return { sent };
        },
        async getBmcState(_args, ctx) {
          const { state } = await read(ctx, '/toy/v1/bmc');
          return state === 'ready'
            ? { ready: true, display: 'BMC Ready' }
            : { ready: false, display: `BMC ${state}` };
        },
        async rebootBmc(_args, ctx) {
          await act(ctx, '/toy/v1/bmc/reboot', {});
          return { sent: 'reboot' };
        },
      },
    },
  });
}
