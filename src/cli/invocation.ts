/**
 * The command line as main() parsed it (`rpower …` put in front when invoked as rpower), kept for the
 * service-node dispatcher (src/hierarchy/argv.ts builds the service node's command from it). A module of
 * its own so that the entry point does not load the hierarchy code to record it.
 */
let invocation: readonly string[] | undefined;

export function rememberInvocation(argv: readonly string[]): void {
  invocation = [...argv];
}

export function recordedInvocation(): readonly string[] | undefined {
  return invocation;
}
