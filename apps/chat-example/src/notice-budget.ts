/** Joins and leaves that were counted into one summary instead of announced one by one. */
export interface NoticeBatch {
  joined: number;
  left: number;
}

/** How long one window of the budget lasts; a storm's summary goes out once per window. */
export const NOTICE_WINDOW_MS = 1000;

/**
 * The budget for join and leave notices. Each notice is a broadcast to every client, so N clients
 * joining one by one cost N² sends: 2,000 connections from one script, 4 million. While they are
 * few (at most `perWindow` in a window, and the window before was calm), each is announced on its
 * own, exactly as the tutorial does; past that, until a window passes with no storm, they are
 * counted and `flush` gets one summary per window: O(N) sends per window, whatever the rate.
 */
export class NoticeBudget {
  readonly #perWindow: number;
  readonly #flush: (batch: NoticeBatch) => void;
  #sent = 0;
  #batch: NoticeBatch = { joined: 0, left: 0 };
  #storming = false;
  #timer: NodeJS.Timeout | undefined;
  #stopped = false;

  constructor(perWindow: number, flush: (batch: NoticeBatch) => void) {
    this.#perWindow = perWindow;
    this.#flush = flush;
  }

  /** True: announce this notice now. False: it is counted into the next summary. */
  admit(kind: keyof NoticeBatch): boolean {
    if (this.#stopped) return false;
    this.#startWindow();
    if (!this.#storming && this.#sent < this.#perWindow) {
      this.#sent++;
      return true;
    }
    this.#batch[kind]++;
    return false;
  }

  /** No more notices or summaries (the server is closing). */
  stop(): void {
    this.#stopped = true;
    clearTimeout(this.#timer);
  }

  #startWindow(): void {
    if (this.#timer) return;
    this.#timer = setTimeout(() => this.#endWindow(), NOTICE_WINDOW_MS);
    // A pending summary must not keep a finished process alive.
    this.#timer.unref();
  }

  #endWindow(): void {
    this.#timer = undefined;
    this.#sent = 0;
    const batch = this.#batch;
    this.#storming = batch.joined + batch.left > 0;
    if (!this.#storming) return;
    this.#batch = { joined: 0, left: 0 };
    // The storm may go on: the next window stays in summary mode until one passes calm.
    this.#startWindow();
    this.#flush(batch);
  }
}

/** The line plain clients get for a summary, e.g. `1998 users joined, 12 left`. */
export function summaryLine({ joined, left }: NoticeBatch): string {
  if (joined === 0) return `${left} ${users(left)} left`;
  if (left === 0) return `${joined} ${users(joined)} joined`;
  return `${joined} ${users(joined)} joined, ${left} left`;
}

const users = (count: number) => (count === 1 ? "user" : "users");
