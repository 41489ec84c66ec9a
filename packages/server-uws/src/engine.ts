import uWS, { type TemplatedApp } from "uWebSockets.js";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SwitchboardError, type TlsOptions } from "@switchboard/core";

/**
 * The uWebSockets.js module, checked: on an unsupported Node.js the package silently falls back to
 * a JavaScript shim that does not work, so refuse to start instead.
 */
export function loadEngine(): typeof uWS {
  const native =
    typeof uWS?.App === "function" &&
    String(uWS.App).includes("[native code]") &&
    typeof uWS.SSLApp === "function" &&
    uWS.SHARED_COMPRESSOR !== undefined;
  if (!native) {
    throw new SwitchboardError(
      "ENGINE_UNAVAILABLE",
      `uWebSockets.js has no native build for Node.js ${process.version} (ABI ${process.versions.modules}) on ${process.platform}-${process.arch}; use Node.js 20, or wsBackend()`,
    );
  }
  return uWS;
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
export async function sslApp(engine: typeof uWS, tls: TlsOptions): Promise<TemplatedApp> {
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
