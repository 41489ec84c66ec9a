import type { ChildProcess } from "node:child_process";
import { spawnTracked } from "@switchboard/test-support/children";
import { LineReader } from "./lines.js";
import { CLI_JS, type Exit, exitOf } from "./process.js";

/** The terminal client as a child process: stdout and stderr read line by line. */
export interface Cli {
  child: ChildProcess;
  stdout: LineReader;
  stderr: LineReader;
  exited: Promise<Exit>;
  type(line: string): void;
}

/** Starts `node dist/cli.js url`; the caller stops it (`stopServer`) after the test. */
export function startCli(url: string): Cli {
  const child = spawnTracked(process.execPath, [CLI_JS, url], { stdio: ["pipe", "pipe", "pipe"] });
  return {
    child,
    stdout: new LineReader(child.stdout),
    stderr: new LineReader(child.stderr),
    exited: exitOf(child),
    type: (line) => child.stdin?.write(`${line}\n`),
  };
}
