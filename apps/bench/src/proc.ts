/**
 * Child processes of a run: servers and load processes, each its own process so a server's CPU
 * time can be read from /proc/<pid>/stat. Every child is tracked and killed when the run ends,
 * whichever way it ends.
 */
import { type ChildProcess, execFileSync, fork } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { uwsBackend } from "@switchboard/server-uws";
import { findBun, INSTALL_BUN } from "@switchboard/test-support/bun";
import type { Contender } from "./contenders.js";
import type { FromWorker, ToWorker } from "./load/types.js";
import { distDir, repoRoot } from "./paths.js";
import type { ServerCommand, ServerReport } from "./servers/harness.js";

const children = new Set<ChildProcess>();

function track(child: ChildProcess): ChildProcess {
  children.add(child);
  child.once("exit", () => children.delete(child));
  return child;
}

/** Kills every child still running; safe to call more than once. */
export function killAll(): void {
  for (const child of children) child.kill("SIGKILL");
  children.clear();
}

let cleanupInstalled = false;
/** Makes sure no child outlives this process, also on Ctrl-C or a crash. */
export function installCleanup(): void {
  if (cleanupInstalled) return;
  cleanupInstalled = true;
  process.on("exit", killAll);
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
    process.once(signal, () => {
      killAll();
      process.exit(130);
    });
  }
}

const clockTicks = (() => {
  try {
    return Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100;
  } catch {
    return 100;
  }
})();

/** User + system CPU seconds the process has used so far. */
export function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  // Fields after the command name, which is in parentheses and may itself contain spaces.
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[11]) + Number(fields[12])) / clockTicks;
}

/** Resident set size in bytes. */
export function rssBytes(pid: number): number {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  return match ? Number(match[1]) * 1024 : Number.NaN;
}

/** Waits for the first message that `accept` takes, or fails after `timeoutMs` or on exit. */
function nextMessage<T, R>(
  child: ChildProcess,
  accept: (message: T) => R | undefined,
  timeoutMs: number,
  what: string,
): Promise<R> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => finish(new Error(`${what}: no answer within ${timeoutMs} ms`)),
      timeoutMs,
    );
    const onMessage = (message: T) => {
      try {
        const result = accept(message);
        if (result !== undefined) finish(undefined, result);
      } catch (error) {
        finish(error as Error);
      }
    };
    const onExit = (code: number | null) => finish(new Error(`${what}: process exited (${code})`));
    const finish = (error?: Error, result?: R) => {
      clearTimeout(timer);
      child.off("message", onMessage);
      child.off("exit", onExit);
      if (error) reject(error);
      else resolve(result as R);
    };
    child.on("message", onMessage);
    child.once("exit", onExit);
  });
}

export interface ServerProcess {
  readonly pid: number;
  readonly port: number;
  /** Runs a full garbage collection in the server (node servers start with --expose-gc). */
  gc(): Promise<void>;
  /** Asks the server to exit (so a CPU profile gets written), then kills it. */
  stop(): Promise<void>;
}

let bun: string | undefined | null = null;

/** The binary a contender's server runs on: undefined for this Node.js; throws when Bun is missing. */
function runtimeOf(contender: Contender): string | undefined {
  if (contender.runtime !== "bun") return undefined;
  bun ??= findBun(repoRoot);
  if (!bun)
    throw new Error(`${contender.id} runs under Bun, which is not installed; ${INSTALL_BUN}`);
  return bun;
}

/**
 * Why a contender cannot start here, or undefined when it can: Bun ones need Bun, uWS ones a
 * uWebSockets.js build for this Node.js.
 */
export function unavailableReason(contender: Contender): string | undefined {
  if (contender.runtime === "bun") {
    bun ??= findBun(repoRoot);
    return bun === undefined ? `needs Bun; ${INSTALL_BUN}` : undefined;
  }
  if (contender.baseline !== "raw-uws") return undefined;
  try {
    uwsBackend();
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}

export async function startServer(
  contender: Contender,
  profileDir?: string,
): Promise<ServerProcess> {
  const runtime = runtimeOf(contender);
  // Bun has no --expose-gc (it has Bun.gc); both take the same --cpu-prof flags.
  const execArgv = runtime ? [] : ["--expose-gc"];
  if (profileDir)
    execArgv.push(
      "--cpu-prof",
      `--cpu-prof-dir=${profileDir}`,
      `--cpu-prof-name=${contender.id}-${Date.now()}.cpuprofile`,
    );
  const child = track(
    fork(join(distDir, "servers", `${contender.entry}.js`), contender.args, {
      execArgv,
      stdio: ["ignore", "inherit", "inherit", "ipc"],
      ...(runtime && { execPath: runtime }),
    }),
  );
  const port = await nextMessage<ServerReport, number>(
    child,
    (m) => (m.type === "ready" ? m.port : undefined),
    15_000,
    `server ${contender.id}`,
  );
  const command = (message: ServerCommand) => child.send(message);
  return {
    pid: child.pid as number,
    port,
    async gc() {
      const done = nextMessage<ServerReport, true>(
        child,
        (m) => (m.type === "gc-done" ? true : undefined),
        10_000,
        "gc",
      );
      command({ type: "gc" });
      await done;
    },
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
      command({ type: "exit" });
      const timer = setTimeout(() => child.kill("SIGKILL"), 5000);
      await exited;
      clearTimeout(timer);
    },
  };
}

export interface LoadProcess {
  send(message: ToWorker): void;
  next<R>(accept: (message: FromWorker) => R | undefined, timeoutMs: number): Promise<R>;
  kill(): void;
}

export function startLoadProcess(): LoadProcess {
  const child = track(
    fork(join(distDir, "load", "worker.js"), [], {
      stdio: ["ignore", "inherit", "inherit", "ipc"],
    }),
  );
  return {
    send: (message) => child.send(message),
    next: (accept, timeoutMs) => nextMessage(child, accept, timeoutMs, "load process"),
    kill: () => child.kill("SIGKILL"),
  };
}
