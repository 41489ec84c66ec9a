import { EventError } from "./errors.js";
import type { StandardSchemaV1 } from "./standard-schema.js";

/** The outcome of checking one payload: `[value]` when valid, `[, error]` when not. */
export type Checked = [value: unknown, error?: EventError];

/** Checks a payload with any Standard Schema validator (no schema: the value as it is). */
export function check(
  schema: StandardSchemaV1 | undefined,
  value: unknown,
  event: string,
): Checked | Promise<Checked> {
  if (!schema) return [value];
  const settle = (result: StandardSchemaV1.Result<unknown>): Checked =>
    result.issues ? [undefined, invalid(event, result.issues)] : [result.value];
  const threw = (error: unknown): Checked => [undefined, invalid(event, [], error)];
  try {
    const result = schema["~standard"].validate(value);
    return result instanceof Promise ? result.then(settle, threw) : settle(result);
  } catch (error) {
    return threw(error);
  }
}

/** At most ten issues travel back, each message cut to 200 characters: a bounded reply. */
function invalid(
  event: string,
  issues: readonly StandardSchemaV1.Issue[],
  cause?: unknown,
): EventError {
  return new EventError("INVALID_PAYLOAD", `invalid payload for ${event}`, {
    event,
    cause,
    issues: issues.slice(0, 10).map(({ message, path }) => ({
      message: String(message).slice(0, 200),
      path: path?.map((segment) => (typeof segment === "object" ? segment.key : segment)) as (
        | string
        | number
      )[],
    })),
  });
}
