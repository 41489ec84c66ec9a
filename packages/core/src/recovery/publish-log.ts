import type { Kept } from "@switchboard/protocol";

/** Entries the log holds before every reader takes its share and it starts over. */
const MAX_ENTRIES = 1024;
/** Bytes of kept copies the log holds before it starts over the same way. */
const MAX_BYTES = 1024 * 1024;

/** A session that reads the log: it takes in the entries it was a recipient of. */
export interface LogReader {
  /** Takes in every entry from its cursor to the end of the log. */
  catchUp(): void;
}

/**
 * The engine publishes of one server that reached connected recovering sessions, in order. A
 * publish is written here once, not kept by each recipient's session as it goes out: each
 * session takes in its share later, in one pass, when it next needs its numbering (a send, an
 * acknowledgement, a drop, a topic change). Most entries are acknowledged by then, and only
 * counted. Without it, a publish to n recovering channels cost n keeps while the engine
 * delivered it in one call.
 *
 * Indexes are absolute: `start` is the first entry held, `end` one past the last.
 */
export class PublishLog {
  /** Sessions reading the log: connected, each with a cursor between `start` and `end`. */
  readonly readers = new Set<LogReader>();
  start = 0;
  /** The engine topic of each entry. */
  readonly topics: string[] = [];
  readonly kept: Kept[] = [];
  /** The session a publish left out, if it was one. */
  readonly excluded: (LogReader | undefined)[] = [];
  #bytes = 0;

  get end(): number {
    return this.start + this.topics.length;
  }

  /**
   * A publish to the engine topic `topic` went out. Once the log is full, every reader takes
   * in its share and the log starts over, so what it holds stays bounded.
   */
  append(topic: string, kept: Kept, excluded: LogReader | undefined): void {
    this.topics.push(topic);
    this.kept.push(kept);
    this.excluded.push(excluded);
    this.#bytes += kept.bytes;
    if (this.topics.length >= MAX_ENTRIES || this.#bytes >= MAX_BYTES) this.#startOver();
  }

  #startOver(): void {
    for (const reader of this.readers) reader.catchUp();
    this.start = this.end;
    this.topics.length = 0;
    this.kept.length = 0;
    this.excluded.length = 0;
    this.#bytes = 0;
  }
}
