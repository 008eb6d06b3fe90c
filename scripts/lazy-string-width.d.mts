/** Types of scripts/lazy-string-width.mjs (for its tests). */
export type StringWidth = (text: string, options?: object) => number;
export function lazyStringWidth(load: () => StringWidth): StringWidth;
declare const stringWidth: StringWidth;
export default stringWidth;
