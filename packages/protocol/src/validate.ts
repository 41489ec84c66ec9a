import { EventError, type PayloadIssue } from "./errors.js";
import type { StandardSchemaV1 } from "./standard-schema.js";

/** The outcome of checking one payload: `[value]` when valid, `[, error]` when not. */
export type Checked = [value: unknown, error?: EventError];

/**
 * Checks a payload with any Standard Schema validator (no schema: the value as it is). At most
 * ten issues travel back, each message cut to 200 characters: a bounded reply.
 */
export function check(
  schema: StandardSchemaV1 | undefined,
  value: unknown,
  event: string,
): Checked | Promise<Checked> {
  if (!schema) return [value];
  const fail = (issues: readonly StandardSchemaV1.Issue[], cause?: unknown): Checked => [
    ,
    new EventError("INVALID_PAYLOAD", `invalid payload for ${event}`, {
      event,
      issues: issues.slice(0, 10).map(toIssue),
      cause,
    }),
  ];
  const settle = (result: StandardSchemaV1.Result<unknown>): Checked =>
    result.issues ? fail(result.issues) : [result.value];
  const threw = (error: unknown) => fail([{ message: "the validator threw" }], error);
  try {
    const result = schema["~standard"].validate(value);
    return result instanceof Promise ? result.then(settle, threw) : settle(result);
  } catch (error) {
    return threw(error);
  }
}

function toIssue({ message, path }: StandardSchemaV1.Issue): PayloadIssue {
  const issue: PayloadIssue = { message: String(message).slice(0, 200) };
  if (path?.length) {
    issue.path = path.map((segment) => {
      const key = typeof segment === "object" ? segment.key : segment;
      return typeof key === "number" ? key : String(key);
    });
  }
  return issue;
}
