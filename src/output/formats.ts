/** The output formats (kept apart from the renderers so that `--help` does not load cli-table3). */
export const OUTPUT_FORMATS = ['text', 'table', 'json', 'ndjson'] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];
