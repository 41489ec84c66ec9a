/** The servers a run compares, each with the raw engine its ratios are taken against. */
import type { DialectName } from "./load/dialect.js";

export interface Contender {
  id: string;
  label: string;
  /** File in servers/ (built to dist/servers/<entry>.js). */
  entry: string;
  args: string[];
  dialect: DialectName;
  /** The raw engine underneath, whose numbers are the 1.00 for this contender's ratios. */
  baseline: "raw-ws" | "raw-uws" | "raw-bun";
  /** The same server with a feature off, for a feature's on ÷ off ratio (recovery). */
  featureOff?: string;
  /** The runtime the server runs on; default Node.js (the one running the bench). */
  runtime?: "bun";
}

export const CONTENDERS: readonly Contender[] = [
  {
    id: "raw-ws",
    label: "ws (raw)",
    entry: "raw-ws",
    args: [],
    dialect: "plain",
    baseline: "raw-ws",
  },
  {
    id: "sb-ws",
    label: "Switchboard · ws",
    entry: "switchboard",
    args: ["--backend", "ws"],
    dialect: "plain",
    baseline: "raw-ws",
  },
  {
    id: "sb-ws-events",
    label: "Switchboard · ws, typed events + schema",
    entry: "switchboard-events",
    args: ["--backend", "ws"],
    dialect: "events",
    baseline: "raw-ws",
  },
  {
    id: "raw-uws",
    label: "uWS (raw)",
    entry: "raw-uws",
    args: [],
    dialect: "plain",
    baseline: "raw-uws",
  },
  {
    id: "sb-uws",
    label: "Switchboard · uWS",
    entry: "switchboard",
    args: ["--backend", "uws"],
    dialect: "plain",
    baseline: "raw-uws",
  },
  {
    id: "raw-bun",
    label: "Bun.serve (raw)",
    entry: "raw-bun",
    args: [],
    dialect: "plain",
    baseline: "raw-bun",
    runtime: "bun",
  },
  {
    id: "sb-bun",
    label: "Switchboard · Bun",
    entry: "switchboard",
    args: ["--backend", "bun"],
    dialect: "plain",
    baseline: "raw-bun",
    runtime: "bun",
  },
  {
    id: "sb-uws-events",
    label: "Switchboard · uWS, typed events + schema",
    entry: "switchboard-events",
    args: ["--backend", "uws"],
    dialect: "events",
    baseline: "raw-uws",
  },
  {
    id: "sb-ws-recovery",
    label: "Switchboard · ws, recovery on",
    entry: "switchboard",
    args: ["--backend", "ws", "--recovery"],
    dialect: "recovery",
    baseline: "raw-ws",
    featureOff: "sb-ws",
  },
  {
    id: "sb-uws-recovery",
    label: "Switchboard · uWS, recovery on",
    entry: "switchboard",
    args: ["--backend", "uws", "--recovery"],
    dialect: "recovery",
    baseline: "raw-uws",
    featureOff: "sb-uws",
  },
  {
    id: "socketio",
    label: "socket.io",
    entry: "socketio",
    args: [],
    dialect: "socket.io",
    baseline: "raw-ws",
  },
  {
    id: "crossws-node",
    label: "crossws · node",
    entry: "crossws-node",
    args: [],
    dialect: "plain",
    baseline: "raw-ws",
  },
  {
    id: "crossws-uws",
    label: "crossws · uWS",
    entry: "crossws-uws",
    args: [],
    dialect: "plain",
    baseline: "raw-uws",
  },
];
