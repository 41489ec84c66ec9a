import type uWS from "uWebSockets.js";
import type { TemplatedApp } from "uWebSockets.js";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SwitchboardError, type TlsOptions } from "@switchboard/core";

/**
 * A uWebSockets.js module, as `import uWS from "uWebSockets.js"` gives it. Typed by the little
 * that is checked here (at run time too), not by one build's declarations: builds differ in their
 * types, and the application may have none installed under that name.
 */
export interface UwsEngine {
  /** Makes an HTTP/WebSocket app: native code in a working build. */
  readonly App: (...args: never[]) => unknown;
  /** Makes an HTTPS/WSS app. */
  readonly SSLApp: (...args: never[]) => unknown;
  /** The shared permessage-deflate compressor's flag. */
  readonly SHARED_COMPRESSOR: number;
}

/** The engine with its full API, as this binding uses it. */
export type Engine = typeof uWS;

/** What the user is told to do when no engine loads. */
const REMEDY =
  "install a uWebSockets.js release built for this Node.js (npm install uNetworking/uWebSockets.js#v20.57.0), pass an already-imported build with uwsBackend({ engine }), or use wsBackend() from @switchboard/server-ws";

/**
 * The engine to run on: the one passed in, else the `uWebSockets.js` package the application
 * installed. Checked, as an unsupported Node.js can get a JavaScript shim that does not work
 * (some builds fall back to one silently): refuse to start instead, and say why.
 */
export function loadEngine(engine?: UwsEngine): Engine {
  if (engine !== undefined) {
    if (!isNative(engine)) {
      throw unavailable(
        "the engine passed to uwsBackend({ engine }) is not a native uWebSockets.js build",
      );
    }
    return engine;
  }
  let loaded: unknown;
  try {
    loaded = createRequire(import.meta.url)("uWebSockets.js");
  } catch (error) {
    const missing =
      (error as { code?: string }).code === "MODULE_NOT_FOUND" &&
      String((error as Error).message).includes("'uWebSockets.js'");
    throw unavailable(
      missing
        ? "the uWebSockets.js package is not installed (it is a peer dependency the application brings)"
        : `uWebSockets.js failed to load: ${firstLine(error)}`,
      error,
    );
  }
  if (!isNative(loaded)) {
    throw unavailable("uWebSockets.js loaded without its native binary (a JavaScript fallback)");
  }
  return loaded;
}

function isNative(engine: unknown): engine is Engine {
  const candidate = engine as Partial<UwsEngine> | null;
  return (
    typeof candidate?.App === "function" &&
    String(candidate.App).includes("[native code]") &&
    typeof candidate.SSLApp === "function" &&
    candidate.SHARED_COMPRESSOR !== undefined
  );
}

function unavailable(why: string, cause?: unknown): SwitchboardError {
  return new SwitchboardError(
    "ENGINE_UNAVAILABLE",
    `${why}. ${runtimeDescription()}${glibcHint(cause)}. To run here, ${REMEDY}`,
    { cause },
  );
}

/** This runtime as an engine build sees it: Node.js version, ABI, platform, C library. */
export function runtimeDescription(): string {
  const glibc = glibcVersion();
  return `This is Node.js ${process.version} (ABI ${process.versions.modules}) on ${process.platform}-${process.arch}${glibc ? ` with glibc ${glibc}` : ""}`;
}

function glibcVersion(): string | undefined {
  if (process.platform !== "linux") return undefined;
  const header = (process.report?.getReport() as { header?: { glibcVersionRuntime?: string } })
    ?.header;
  return header?.glibcVersionRuntime;
}

/** A dynamic loader's "version `GLIBC_2.38' not found" becomes a plain sentence. */
function glibcHint(cause: unknown): string {
  const needed = /GLIBC_(\d+\.\d+)/.exec(String((cause as Error | undefined)?.message ?? ""));
  return needed ? `; this uWebSockets.js build needs glibc ${needed[1]} or later` : "";
}

function firstLine(error: unknown): string {
  return (
    String((error as Error)?.message ?? error)
      .split("\n")
      .find((line) => line.trim()) ?? ""
  );
}

/** Text of an ArrayBuffer that uWS lends only for the duration of a callback. */
export function lentText(buffer: ArrayBuffer): string {
  // Most close reasons are empty.
  return buffer.byteLength === 0 ? "" : Buffer.from(buffer).toString("utf8");
}

/**
 * An https/wss app. uWS reads the certificate and key only from files, so the PEM text goes to a
 * private temporary folder for the moment the engine loads it.
 */
export async function sslApp(engine: Engine, tls: TlsOptions): Promise<TemplatedApp> {
  const dir = await mkdtemp(join(tmpdir(), "switchboard-tls-"));
  try {
    const cert = join(dir, "cert.pem");
    const key = join(dir, "key.pem");
    await writeFile(cert, tls.cert, { mode: 0o600 });
    await writeFile(key, tls.key, { mode: 0o600 });
    return engine.SSLApp({
      cert_file_name: cert,
      key_file_name: key,
      ...(tls.passphrase !== undefined && { passphrase: tls.passphrase }),
    });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
