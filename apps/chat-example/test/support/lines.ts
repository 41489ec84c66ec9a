import type { Readable } from "node:stream";

const DEFAULT_TIMEOUT_MS = 10_000;

/** A child's output stream read line by line: every line is kept, so none is lost between awaits. */
export class LineReader {
  readonly all: string[] = [];
  #read = 0;
  #partial = "";
  #waiters: (() => void)[] = [];

  constructor(stream: Readable | null) {
    stream?.setEncoding("utf8").on("data", (chunk: string) => {
      const parts = (this.#partial + chunk).split("\n");
      this.#partial = parts.pop() ?? "";
      this.all.push(...parts);
      for (const wake of this.#waiters.splice(0)) wake();
    });
  }

  /** The next line not taken yet, waiting up to `timeoutMs`. */
  async next(timeoutMs = DEFAULT_TIMEOUT_MS): Promise<string> {
    await this.#until(() => this.#read < this.all.length, timeoutMs, "a line");
    return this.all[this.#read++]!;
  }

  /** The next `count` lines. */
  async take(count: number, timeoutMs?: number): Promise<string[]> {
    const lines: string[] = [];
    for (let i = 0; i < count; i++) lines.push(await this.next(timeoutMs));
    return lines;
  }

  /** Waits until some line (taken or not) matches `pattern`. */
  async seen(pattern: RegExp, timeoutMs = DEFAULT_TIMEOUT_MS): Promise<void> {
    await this.#until(() => this.all.some((line) => pattern.test(line)), timeoutMs, `${pattern}`);
  }

  /** Lines not taken yet. */
  get pending(): number {
    return this.all.length - this.#read;
  }

  async #until(ready: () => boolean, timeoutMs: number, what: string): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!ready()) {
      const left = deadline - Date.now();
      if (left <= 0)
        throw new Error(`no ${what} within ${timeoutMs} ms; so far: ${JSON.stringify(this.all)}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.#waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }
}
