/** The conventional exit code of a command-line usage error. */
export const USAGE_EXIT_CODE = 2;
