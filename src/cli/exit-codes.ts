/** Exit codes (docs/output.md). */
export const EXIT = {
  /** every node succeeded */
  ok: 0,
  /** at least one node failed */
  nodeFailed: 1,
  /** usage, inventory or noderange error: nothing was attempted */
  usage: 2,
  /** interrupted by SIGINT/SIGTERM */
  interrupted: 130,
} as const;
