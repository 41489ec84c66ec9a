import { expect, it as register } from "vitest";

/**
 * Tests an engine cannot pass and core cannot make it pass, declared by the test file that runs
 * the suite, as Hono's router tests do. Each skip shows in the report with its reason.
 *
 * @example
 * serverConformance({
 *   name: "uws",
 *   backend: () => uwsBackend(),
 *   skip: [{ reason: "uWebSockets.js 20.30 …", tests: ["5 fragmentation: … "] }],
 * });
 */
export interface Skip {
  /** Why the engine cannot pass, with its name and version: shown beside each skipped test. */
  reason: string;
  /** Titles of the tests skipped, exactly as the suite names them. */
  tests: readonly string[];
}

/** A test body; bounded waits inside it make it end by itself. */
type Body = () => unknown;

/**
 * Registers the suite's tests: `it` and one test per row with `each`. Written on the plain
 * `it(title, body, timeout)` form that vitest and `bun test` share, so the suite runs under both.
 */
export interface Cases {
  (title: string, body: Body, timeoutMs?: number): void;
  /** One test per row; `title` names each. */
  each<Row>(rows: readonly Row[], title: (row: Row) => string, body: (row: Row) => unknown): void;
}

/** What a runner needs: the default time a test may take, and which tests to skip. */
export interface CaseOptions {
  /** The default timeout of a test, in ms. */
  timeoutMs: number;
  /** The skips declared by the suite's caller. */
  skip: readonly Skip[] | undefined;
  /** Prefixed to every reason, e.g. the backend's name. */
  label: string;
}

/**
 * Makes the registrar of one suite. A skip that names no test of the suite fails the check test
 * `checkSkips` registers: a renamed test must not silently run (or stay skipped) elsewhere.
 */
export function cases(options: CaseOptions): { it: Cases; checkSkips(): void } {
  const reasons = new Map<string, string>();
  for (const skip of options.skip ?? []) {
    if (typeof skip.reason !== "string" || skip.reason.trim() === "") {
      throw new TypeError(`a skip needs its reason (tests: ${JSON.stringify(skip.tests)})`);
    }
    for (const title of skip.tests) reasons.set(title, skip.reason);
  }
  const found = new Set<string>();
  const it = ((title, body, timeoutMs = options.timeoutMs) => {
    const reason = reasons.get(title);
    if (reason === undefined) {
      register(title, body, timeoutMs);
      return;
    }
    found.add(title);
    register.skip(`${title} (skipped: ${options.label}: ${reason})`, () => {});
  }) as Cases;
  it.each = (rows, title, body) => {
    for (const row of rows) it(title(row), () => body(row));
  };
  return {
    it,
    checkSkips() {
      register("declares skips only for tests the suite has", () => {
        const unknown = [...reasons.keys()].filter((title) => !found.has(title));
        expect(unknown).toEqual([]);
      });
    },
  };
}
