/**
 * `node dist/compare.js before.json after.json`: Switchboard's ratios to its raw engine in two
 * runs side by side, as a markdown table — how a change to the hot path moved them. Each run's
 * ratios come from that run alone, so the machine's load on the day cancels out.
 */
import { readFileSync } from "node:fs";
import type { Measurement } from "./measure.js";
import { SCENARIOS, type Scenario } from "./scenarios.js";
import { median } from "./stats.js";

const PAIRS = [
  ["sb-ws", "raw-ws", "Switchboard · ws"],
  ["sb-uws", "raw-uws", "Switchboard · uWS"],
] as const;

function load(file: string): Measurement[] {
  return JSON.parse(readFileSync(file, "utf8")) as Measurement[];
}

function ratios(runs: Measurement[], scenario: Scenario, mine: string, raw: string) {
  const pick = (id: string, key: "value" | "cpuPerOpUs") =>
    median(
      runs
        .filter((m) => m.scenario === scenario.id && m.contender === id)
        .map((m) => m[key] ?? Number.NaN),
    );
  const value = pick(mine, "value") / pick(raw, "value");
  return {
    value: scenario.metric === "throughput" ? value : 1 / value,
    cpu: pick(raw, "cpuPerOpUs") / pick(mine, "cpuPerOpUs"),
  };
}

const [beforeFile, afterFile] = process.argv.slice(2);
if (!beforeFile || !afterFile) {
  console.error("usage: node dist/compare.js before.json after.json");
  process.exit(2);
}
const before = load(beforeFile);
const after = load(afterFile);
const fixed = (n: number) => (Number.isFinite(n) ? n.toFixed(2) : "–");
console.log(
  `| scenario | ${PAIRS.map(([, , label]) => `${label}: throughput before → after | CPU/op before → after`).join(" | ")} |`,
);
console.log(`| --- | ${PAIRS.map(() => "---: | ---:").join(" | ")} |`);
for (const scenario of SCENARIOS) {
  if (!before.some((m) => m.scenario === scenario.id)) continue;
  const cells = PAIRS.map(([mine, raw]) => {
    const b = ratios(before, scenario, mine, raw);
    const a = ratios(after, scenario, mine, raw);
    const cpu = scenario.metric === "memory" ? "–" : `${fixed(b.cpu)} → ${fixed(a.cpu)}`;
    return `${fixed(b.value)} → ${fixed(a.value)} | ${cpu}`;
  });
  console.log(`| ${scenario.title} | ${cells.join(" | ")} |`);
}
