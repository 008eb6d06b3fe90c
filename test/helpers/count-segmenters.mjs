// Loaded with `node --import ./test/helpers/count-segmenters.mjs`: writes how many Intl.Segmenter objects
// the process built into the file named by HWCTL_COUNT_SEGMENTERS when it exits (start-up tests use it:
// building the first one costs ~12 ms, and string-width builds one as its module loads).
import { writeFileSync } from 'node:fs';

let built = 0;
const Segmenter = Intl.Segmenter;
Intl.Segmenter = class extends Segmenter {
  constructor(...args) {
    super(...args);
    built++;
  }
};
process.on('exit', () => writeFileSync(process.env.HWCTL_COUNT_SEGMENTERS, String(built)));
