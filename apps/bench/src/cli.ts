/**
 * `pnpm bench`: every server under every scenario, alternating the servers' order round by round,
 * then the tables. `--quick` for a short run, `--scenario`/`--server` to narrow it down.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { parseArgs } from "node:util";
import { CONTENDERS } from "./contenders.js";
import { describeMachine } from "./machine.js";
import { type Measurement, type MeasureSettings, measure } from "./measure.js";
import { appDir, repoRoot } from "./paths.js";
import { installCleanup, killAll } from "./proc.js";
import { renderReport } from "./report.js";
import { type Profile, SCENARIOS } from "./scenarios.js";

const RESULTS_START = "<!-- results:start -->";
const RESULTS_END = "<!-- results:end -->";

const { values: args } = parseArgs({
  options: {
    quick: { type: "boolean", default: false },
    scenario: { type: "string", short: "s", multiple: true },
    server: { type: "string", multiple: true },
    rounds: { type: "string" },
    window: { type: "string" },
    warmup: { type: "string" },
    "load-processes": { type: "string", default: "1" },
    "cpu-profile": { type: "boolean", default: false },
    out: { type: "string" },
    "update-benchmarks": { type: "boolean" },
    help: { type: "boolean", short: "h", default: false },
  },
});

if (args.help) {
  console.log(`usage: pnpm bench [options]
  --quick                  1 round, short windows, 2,000 idle connections
  -s, --scenario ID        only these scenarios (repeatable): ${SCENARIOS.map((s) => s.id).join(", ")}
  --server ID              only these servers (repeatable): ${CONTENDERS.map((c) => c.id).join(", ")}
  --rounds N               rounds per scenario (default 5, quick 1)
  --window MS              measuring window (default 1500, quick 1000)
  --warmup MS              warm-up before the window (default 500, quick 300)
  --load-processes N       load processes for echo, connect and http (default 1)
  --cpu-profile            write a --cpu-prof profile of every server into results/profiles
  --out FILE               the markdown table (default results/latest.md)
  --update-benchmarks      also rewrite the results section of BENCHMARKS.md (default: full unfiltered runs)`);
  process.exit(0);
}

const profile: Profile = args.quick ? "quick" : "full";
const pick = <T extends { id: string }>(
  all: readonly T[],
  wanted: string[] | undefined,
  what: string,
): T[] => {
  if (!wanted) return [...all];
  const ids = wanted.flatMap((w) => w.split(","));
  for (const id of ids)
    if (!all.some((item) => item.id === id)) throw new Error(`unknown ${what} "${id}"`);
  return all.filter((item) => ids.includes(item.id));
};
const scenarios = pick(SCENARIOS, args.scenario, "scenario");
const contenders = pick(CONTENDERS, args.server, "server");
const rounds = Number(args.rounds ?? (args.quick ? 1 : 5));
const settings: MeasureSettings = {
  profile,
  windowMs: Number(args.window ?? (args.quick ? 1000 : 1500)),
  warmupMs: Number(args.warmup ?? (args.quick ? 300 : 500)),
  loadProcesses: Number(args["load-processes"]),
};
if (args["cpu-profile"]) {
  settings.cpuProfileDir = join(appDir, "results", "profiles");
  mkdirSync(settings.cpuProfileDir, { recursive: true });
}
const filtered = Boolean(args.scenario || args.server);
const updateBenchmarks = args["update-benchmarks"] ?? (!args.quick && !filtered);

checkDescriptorLimit();
installCleanup();

const started = performance.now();
const measurements: Measurement[] = [];
const total =
  scenarios.reduce((sum, s) => sum + (s.metric === "memory" ? Math.min(rounds, 2) : rounds), 0) *
  contenders.length;
let done = 0;
try {
  for (const scenario of scenarios) {
    // Memory barely varies between rounds and 10,000 connections take long to open: two are enough.
    const scenarioRounds = scenario.metric === "memory" ? Math.min(rounds, 2) : rounds;
    for (let round = 0; round < scenarioRounds; round++) {
      // A B C, then B C A, …: no server always runs first (cold machine) or last.
      const order = contenders.map((_, i) => contenders[(i + round) % contenders.length]!);
      for (const contender of order) {
        const m = await measure(contender, scenario, round, settings);
        measurements.push(m);
        done++;
        const value =
          scenario.metric === "throughput"
            ? `${Math.round(m.value)} ${scenario.unit}`
            : `${m.value.toFixed(1)} ${scenario.unit}`;
        const cpu =
          m.cpuPerOpUs === undefined ? "" : `, server ${m.cpuPerOpUs.toFixed(2)} µs CPU/op`;
        const { lost, wrong, failures, violations } = m.checks;
        const bad =
          lost + wrong + failures + violations > 0
            ? ` CHECKS lost=${lost} wrong=${wrong} failures=${failures} violations=${violations}`
            : "";
        console.error(
          `[${done}/${total}] ${scenario.id} r${round + 1} ${contender.id}: ${value}${cpu}${bad}${m.error ? ` ERROR ${m.error}` : ""}`,
        );
      }
    }
  }
} finally {
  killAll();
}

const elapsedSeconds = (performance.now() - started) / 1000;
const argv = process.argv.slice(2).join(" ");
const report = renderReport(measurements, contenders, scenarios, {
  machine: describeMachine(),
  settings: `${rounds} round(s) (memory: ${Math.min(rounds, 2)}), ${settings.warmupMs} ms warm-up + ${settings.windowMs} ms window per measurement, ${settings.loadProcesses} load process(es), a fresh server process per measurement`,
  elapsedSeconds,
  command: `pnpm bench${argv ? ` ${argv}` : ""}`,
});
const out = args.out ?? join(appDir, "results", "latest.md");
mkdirSync(join(out, ".."), { recursive: true });
writeFileSync(out, `# Benchmark results\n\n${report}\n`);
writeFileSync(out.replace(/\.md$/, ".json"), `${JSON.stringify(measurements, null, 1)}\n`);
console.log(report);
console.error(`\nwrote ${relative(process.cwd(), out)} in ${Math.round(elapsedSeconds)} s`);
if (updateBenchmarks) {
  const doc = join(repoRoot, "BENCHMARKS.md");
  const text = readFileSync(doc, "utf8");
  const start = text.indexOf(RESULTS_START);
  const end = text.indexOf(RESULTS_END);
  if (start === -1 || end === -1)
    throw new Error(`BENCHMARKS.md has no ${RESULTS_START} … ${RESULTS_END} section`);
  writeFileSync(
    doc,
    `${text.slice(0, start + RESULTS_START.length)}\n${report}\n${text.slice(end)}`,
  );
  console.error("updated BENCHMARKS.md");
}

function checkDescriptorLimit(): void {
  const idle = scenarios.find((s) => s.kind === "idle");
  if (!idle) return;
  const limit = Number(execFileSync("sh", ["-c", "ulimit -n"], { encoding: "utf8" }).trim());
  const needed = idle.size[profile].connections + 200;
  if (Number.isFinite(limit) && limit < needed) {
    throw new Error(
      `${idle.id} needs ${needed} file descriptors, the limit is ${limit}: run through scripts/bench.sh or raise ulimit -n`,
    );
  }
}
