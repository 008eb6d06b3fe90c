/**
 * The live status line of a long run on a terminal (stderr):
 *
 *     [412/960] 3 failed, 64 in flight, slowest: node017 41s, node230 38s; ETA 1m05s
 *
 * Text and json hold each node until the nodes before it are written, so a run whose first node is slow
 * printed nothing for minutes; this line says what is happening meanwhile. It is redrawn at most every
 * INTERVAL_MS, first after SHOW_AFTER_MS (a quick run never shows it), and erased before anything else is
 * written (`wrap`) and at the end, so it never mixes with results, warnings or the summary.
 */
import type { Sink } from './render.js';

const INTERVAL_MS = 100;
const SHOW_AFTER_MS = 500;
/** The in-flight nodes named, oldest first. */
const SLOWEST_SHOWN = 3;
/** Erase the current terminal line (carriage return, clear to the end of the line). */
export const ERASE_LINE = '\r\u001b[K';

export interface ProgressTerminal {
  write(text: string): unknown;
  /** Its width; the line is cut to fit, so it never wraps (a wrapped line cannot be erased). */
  columns?: number;
}

export interface ProgressOptions {
  now?: () => number;
}

function duration(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  return m < 60
    ? `${m}m${String(s % 60).padStart(2, '0')}s`
    : `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`;
}

export class ProgressLine {
  private readonly inFlight = new Map<string, number>();
  private readonly states = new Map<string, string>();
  private done = 0;
  private failed = 0;
  private shown = false;
  private dirty = true;
  private lastDraw = 0;
  private timer: NodeJS.Timeout | undefined;
  private readonly now: () => number;
  private began = 0;
  private total = 0;

  constructor(
    private readonly term: ProgressTerminal,
    opts: ProgressOptions = {},
  ) {
    this.now = opts.now ?? Date.now;
  }

  /** The run of `total` nodes starts: redraw from now on (a timer that does not keep the process alive). */
  begin(total: number): void {
    this.total = total;
    this.began = this.now();
    this.timer = setInterval(() => this.tick(), INTERVAL_MS);
    this.timer.unref();
  }

  /** A node's operation began (its elapsed time counts from here). */
  started(node: string): void {
    this.inFlight.set(node, this.now());
    this.dirty = true;
  }

  /**
   * A node's progress state (`uploading 40%`, `activating 57%`, `rebooting-bmc`): the line then counts
   * the in-flight nodes by their state's first word, with the mean percent of those that give one.
   */
  state(node: string, state: string): void {
    if (!this.inFlight.has(node)) return;
    this.states.set(node, state);
    this.dirty = true;
  }

  finished(node: string, ok: boolean): void {
    this.inFlight.delete(node);
    this.states.delete(node);
    this.done++;
    if (!ok) this.failed++;
    this.dirty = true;
  }

  /** The run is over: erase the line and stop redrawing. */
  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.clear();
  }

  /** A sink that erases the line before each write; the line comes back at the next redraw. */
  wrap(sink: Sink): Sink {
    return {
      out: (t) => {
        this.clear();
        sink.out(t);
      },
      err: (t) => {
        this.clear();
        sink.err(t);
      },
    };
  }

  /** The status line's text, cut to the terminal's width. */
  line(): string {
    const now = this.now();
    const parts = [`[${this.done}/${this.total}]`];
    if (this.failed) parts.push(`${this.failed} failed,`);
    parts.push(`${this.inFlight.size} in flight`);
    const oldest = [...this.inFlight].sort((a, b) => a[1] - b[1]).slice(0, SLOWEST_SHOWN);
    let text = parts.join(' ');
    if (this.states.size > 0) {
      const phases = new Map<string, { n: number; sum: number; with: number }>();
      for (const s of this.states.values()) {
        const word = s.split(/[\s:(]/)[0] || s;
        const p = phases.get(word) ?? { n: 0, sum: 0, with: 0 };
        p.n++;
        const pct = /(\d+)%/.exec(s);
        if (pct) {
          p.sum += Number(pct[1]);
          p.with++;
        }
        phases.set(word, p);
      }
      text += ` (${[...phases].map(([w, p]) => `${w} ${p.n}${p.with ? ` ~${Math.round(p.sum / p.with)}%` : ''}`).join(', ')})`;
    }
    if (oldest.length) text += `, slowest: ${oldest.map(([n, t]) => `${n} ${duration(now - t)}`).join(', ')}`;
    if (this.done > 0 && this.done < this.total) {
      const eta = ((now - this.began) / this.done) * (this.total - this.done);
      text += `; ETA ${duration(eta)}`;
    }
    const width = Math.max(20, (this.term.columns || 80) - 1);
    return text.length > width ? `${text.slice(0, width - 1)}…` : text;
  }

  /** Redraw if due (the timer calls it; tests call it with their own clock). */
  tick(): void {
    const now = this.now();
    if (now - this.began < SHOW_AFTER_MS) return;
    // Redraw on news, and once a second so the elapsed times move.
    if (!this.dirty && this.shown && now - this.lastDraw < 1000) return;
    this.term.write(ERASE_LINE + this.line());
    this.shown = true;
    this.dirty = false;
    this.lastDraw = now;
  }

  private clear(): void {
    if (!this.shown) return;
    this.term.write(ERASE_LINE);
    this.shown = false;
  }
}
