/**
 * Certificates pinned on first use, gathered over a run into one warning: a first run against 960 new
 * BMCs printed 960 "Pinned the TLS certificate" lines, burying the results and the summary.
 */
import type { PinNotice } from '../engine/executor.js';
import { foldNodes } from '../noderange/nodeset.js';

export class PinGatherer {
  private readonly pins: PinNotice[] = [];

  add(pin: PinNotice): void {
    this.pins.push(pin);
  }

  /**
   * The run's one warning, or undefined when nothing was pinned. One pin keeps its full form (address
   * and fingerprint, `single`); several name the nodes folded and the store that holds the fingerprints.
   */
  warning(single: (p: PinNotice) => string): string | undefined {
    const [first] = this.pins;
    if (first === undefined) return undefined;
    if (this.pins.length === 1) return single(first);
    const files = [...new Set(this.pins.map((p) => p.file))].join(', ');
    const nodes = foldNodes([...new Set(this.pins.map((p) => p.node))]);
    return (
      `Pinned the TLS certificates of ${this.pins.length} BMCs on first use: ${nodes} ` +
      `(fingerprints in ${files}; \`hwctl trust NODERANGE\` after a certificate change)`
    );
  }
}
