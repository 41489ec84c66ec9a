/** What a result table must say about where and with what it was measured. */
import { readFileSync } from "node:fs";
import os from "node:os";
import { join } from "node:path";
import { appDir } from "./paths.js";

export interface MachineInfo {
  date: string;
  cpu: string;
  cores: number;
  memoryGiB: number;
  node: string;
  platform: string;
  versions: Record<string, string>;
}

const PACKAGES = [
  "ws",
  "bufferutil",
  "uWebSockets.js",
  "socket.io",
  "crossws",
  "@switchboard/core",
];

export function describeMachine(): MachineInfo {
  const versions: Record<string, string> = {};
  for (const name of PACKAGES) {
    try {
      const manifest = JSON.parse(
        readFileSync(join(appDir, "node_modules", name, "package.json"), "utf8"),
      );
      versions[name] =
        manifest.name === name ? manifest.version : `${manifest.name}@${manifest.version}`;
    } catch {
      versions[name] = "?";
    }
  }
  return {
    date: new Date().toISOString().slice(0, 16).replace("T", " ") + " UTC",
    cpu: os.cpus()[0]?.model ?? "?",
    cores: os.cpus().length,
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    node: process.version,
    platform: `${os.type()} ${os.release()} ${os.arch()}`,
    versions,
  };
}
