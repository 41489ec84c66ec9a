import type { EventSchemas, StandardSchemaV1 } from "@switchboard/core";

/**
 * The chat's typed events, shared by the server, the terminal client and the page. The
 * tutorial's raw ChatServer stays as it is; clients that offer the events protocol get these.
 */
export interface ChatEvents {
  clientEvents: {
    /** A line typed. */
    message: string;
    /** Started (true) or stopped (false) typing. */
    typing: boolean;
  };
  serverEvents: {
    /** Sent to a client once, when it joins: its nickname. */
    welcome: string;
    /** A line, from anyone, the receiver included. */
    message: { from: string; text: string };
    joined: string;
    left: string;
    typing: { user: string; typing: boolean };
    /** How many are connected to this server process. */
    online: number;
  };
  clientRequests: {
    /** The nicknames connected to this server process. */
    clients(): string[];
  };
}

/** Longest chat line, in UTF-16 units. */
export const MAX_LINE = 2000;

/**
 * A hand-written Standard Schema validator: any library that implements the interface would do
 * (zod, valibot…), and the page keeps its bundle small without one.
 */
function schema<T>(
  name: string,
  check: (value: unknown) => value is T,
): StandardSchemaV1<unknown, T> {
  return {
    "~standard": {
      version: 1,
      vendor: "chat-example",
      validate: (value) =>
        check(value) ? { value } : { issues: [{ message: `expected ${name}` }] },
    },
  };
}

const line = schema(
  `a non-empty string of at most ${MAX_LINE} characters`,
  (value): value is string => typeof value === "string" && value !== "" && value.length <= MAX_LINE,
);
const flag = schema("a boolean", (value): value is boolean => typeof value === "boolean");

/** What each side checks of what it receives. */
export const chatSchemas: EventSchemas<ChatEvents> = {
  clientEvents: { message: line, typing: flag },
};
