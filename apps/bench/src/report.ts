/** Turns the measurements of one run into the markdown tables of BENCHMARKS.md. */
import type { Contender } from "./contenders.js";
import type { MachineInfo } from "./machine.js";
import type { Measurement } from "./measure.js";
import type { Scenario } from "./scenarios.js";
import { median, spread } from "./stats.js";

export interface RunInfo {
  machine: MachineInfo;
  settings: string;
  elapsedSeconds: number;
  command: string;
}

/** Below this ratio the SDK counts as slower than its engine (spread under 10% is noise anyway). */
export const TARGET_RATIO = 0.95;

interface Cell {
  value: number;
  spread: number;
  p99: number;
  cpuPerOpUs: number;
  serverCores: number;
  rounds: number;
  failedChecks: string[];
}

type Table = Map<string, Map<string, Cell>>;

function summarize(measurements: readonly Measurement[]): Table {
  const table: Table = new Map();
  const groups = new Map<string, Measurement[]>();
  for (const m of measurements) {
    const key = `${m.scenario}\u0000${m.contender}`;
    groups.set(key, [...(groups.get(key) ?? []), m]);
  }
  for (const [key, group] of groups) {
    const [scenario, contender] = key.split("\u0000") as [string, string];
    const failedChecks: string[] = [];
    for (const m of group) {
      const { lost, wrong, failures, violations } = m.checks;
      if (m.error) failedChecks.push(m.error);
      if (lost + wrong + failures + violations > 0) {
        failedChecks.push(
          `lost ${lost}, wrong ${wrong}, failures ${failures}, violations ${violations}`,
        );
      }
    }
    const values = group.map((m) => m.value);
    const row = table.get(scenario) ?? new Map<string, Cell>();
    row.set(contender, {
      value: median(values),
      spread: spread(values),
      p99: median(group.map((m) => m.p99 ?? Number.NaN)),
      cpuPerOpUs: median(group.map((m) => m.cpuPerOpUs ?? Number.NaN)),
      serverCores: median(group.map((m) => m.serverCores ?? Number.NaN)),
      rounds: group.length,
      failedChecks,
    });
    table.set(scenario, row);
  }
  return table;
}

/** How much better `cell` is than `reference` (> 1 = better), whatever the metric's direction. */
function ratio(scenario: Scenario, cell: Cell | undefined, reference: Cell | undefined): number {
  if (!cell || !reference) return Number.NaN;
  return scenario.metric === "throughput"
    ? cell.value / reference.value
    : reference.value / cell.value;
}

function cpuRatio(cell: Cell | undefined, reference: Cell | undefined): number {
  if (!cell || !reference) return Number.NaN;
  return reference.cpuPerOpUs / cell.cpuPerOpUs;
}

const fixed = (n: number, digits = 2) => (Number.isFinite(n) ? n.toFixed(digits) : "–");
const flagged = (n: number) =>
  Number.isFinite(n) ? (n < TARGET_RATIO ? `**${fixed(n)}** ⚠` : fixed(n)) : "–";

function formatValue(scenario: Scenario, n: number): string {
  if (!Number.isFinite(n)) return "failed";
  if (scenario.metric === "throughput")
    return n >= 1e6 ? `${(n / 1e6).toFixed(2)}M` : `${(n / 1e3).toFixed(1)}k`;
  return n.toFixed(scenario.metric === "latency" ? 0 : 1);
}

export function renderReport(
  measurements: readonly Measurement[],
  contenders: readonly Contender[],
  scenarios: readonly Scenario[],
  run: RunInfo,
): string {
  const table = summarize(measurements);
  const has = (id: string) => contenders.some((c) => c.id === id);
  const label = (id: string) => contenders.find((c) => c.id === id)?.label ?? id;
  const cell = (scenario: string, contender: string) => table.get(scenario)?.get(contender);
  const lines: string[] = [];
  const { machine } = run;
  lines.push(
    `Measured ${machine.date} on ${machine.cores} cores (${machine.cpu}), ${machine.memoryGiB} GiB RAM, ` +
      `Node.js ${machine.node}, ${machine.platform}.`,
    "",
    `Versions: ${Object.entries(machine.versions)
      .map(([name, version]) => `${name} ${version}`)
      .join(", ")}.`,
    "",
    `Settings: ${run.settings}. The whole run took ${Math.round(run.elapsedSeconds)} s (\`${run.command}\`).`,
    "",
  );

  const sdkPairs = [
    ["sb-ws", "raw-ws"],
    ["sb-uws", "raw-uws"],
    ["sb-bun", "raw-bun"],
  ].filter(([a, b]) => has(a as string) && has(b as string)) as [string, string][];
  if (sdkPairs.length > 0) {
    lines.push(
      "### Switchboard against its raw engine",
      "",
      `Ratio of medians, > 1 = Switchboard better; throughput (or latency, or memory) and server CPU per operation. Target ≥ ${TARGET_RATIO}.`,
      "",
      `| scenario | ${sdkPairs.map(([a, b]) => `${label(a)} ÷ ${label(b)} | CPU/op`).join(" | ")} |`,
      `| --- | ${sdkPairs.map(() => "---: | ---:").join(" | ")} |`,
    );
    for (const scenario of scenarios) {
      const cells = sdkPairs.map(([a, b]) => {
        const mine = cell(scenario.id, a);
        const raw = cell(scenario.id, b);
        const cpu = scenario.metric === "memory" ? "–" : flagged(cpuRatio(mine, raw));
        return `${flagged(ratio(scenario, mine, raw))} | ${cpu}`;
      });
      lines.push(`| ${scenario.title} | ${cells.join(" | ")} |`);
    }
    lines.push("");
  }

  const featurePairs = contenders
    .filter((c) => c.featureOff !== undefined && has(c.featureOff))
    .map((c) => [c.id, c.featureOff as string] as const);
  if (featurePairs.length > 0) {
    lines.push(
      "### Recovery on against off",
      "",
      "The same Switchboard server with `recovery` on (clients negotiate `switchboard.recovery.v1`, say hello and acknowledge) ÷ with it off (plain clients). " +
        "Ratio of medians, > 1 = recovery on better; in brackets the lowest and highest ratio of the two measured in the same round.",
      "",
      `| scenario | ${featurePairs.map(([on]) => `${label(on)}: throughput | CPU/op`).join(" | ")} |`,
      `| --- | ${featurePairs.map(() => "---: | ---:").join(" | ")} |`,
    );
    for (const scenario of scenarios) {
      if (scenario.metric === "memory") continue;
      const cells = featurePairs.map(([on, off]) => {
        const value = ratio(scenario, cell(scenario.id, on), cell(scenario.id, off));
        const cpu = cpuRatio(cell(scenario.id, on), cell(scenario.id, off));
        const range = (pick: (on: Measurement, off: Measurement) => number) => {
          const perRound = roundPairs(measurements, scenario.id, on, off).map(([a, b]) =>
            pick(a, b),
          );
          const finite = perRound.filter(Number.isFinite);
          return finite.length < 2
            ? ""
            : ` (${fixed(Math.min(...finite))}–${fixed(Math.max(...finite))})`;
        };
        const valueRange = range((a, b) =>
          scenario.metric === "throughput" ? a.value / b.value : b.value / a.value,
        );
        const cpuRange = range(
          (a, b) => (b.cpuPerOpUs ?? Number.NaN) / (a.cpuPerOpUs ?? Number.NaN),
        );
        return `${fixed(value)}${valueRange} | ${fixed(cpu)}${cpuRange}`;
      });
      lines.push(`| ${scenario.title} | ${cells.join(" | ")} |`);
    }
    lines.push("");
  }

  const peers = ["socketio", "crossws-node", "crossws-uws"].filter(has);
  if (has("sb-uws") && peers.length > 0) {
    lines.push(
      "### Switchboard · uWS against its peers",
      "",
      "Ratio of medians, > 1 = Switchboard · uWS better.",
      "",
      `| scenario | ${peers.map((p) => `÷ ${label(p)}`).join(" | ")} |`,
      `| --- | ${peers.map(() => "---:").join(" | ")} |`,
    );
    for (const scenario of scenarios) {
      const mine = cell(scenario.id, "sb-uws");
      lines.push(
        `| ${scenario.title} | ${peers.map((p) => fixed(ratio(scenario, mine, cell(scenario.id, p)))).join(" | ")} |`,
      );
    }
    lines.push("");
  }

  lines.push("### Every server, per scenario", "");
  for (const scenario of scenarios) {
    const unitNote = scenario.metric === "latency" ? "µs p50 / p99" : scenario.unit;
    lines.push(
      `#### ${scenario.title}`,
      "",
      `| server | ${unitNote} | spread | server µs CPU per ${scenario.operation} | server cores busy | ÷ raw engine | checks |`,
      "| --- | ---: | ---: | ---: | ---: | ---: | --- |",
    );
    for (const contender of contenders) {
      const mine = cell(scenario.id, contender.id);
      if (!mine) continue;
      const raw = cell(scenario.id, contender.baseline);
      const value =
        scenario.metric === "latency"
          ? `${formatValue(scenario, mine.value)} / ${formatValue(scenario, mine.p99)}`
          : formatValue(scenario, mine.value);
      const checks =
        mine.failedChecks.length === 0 ? `ok ×${mine.rounds}` : mine.failedChecks[0]!.slice(0, 80);
      lines.push(
        `| ${contender.label} | ${value} | ${Math.round(mine.spread * 100)}% | ${fixed(mine.cpuPerOpUs)} | ` +
          `${fixed(mine.serverCores)} | ${contender.id === contender.baseline ? "1.00" : fixed(ratio(scenario, mine, raw))} | ${checks} |`,
      );
    }
    lines.push("");
  }
  return lines.join("\n");
}

/** The measurements of two contenders in one scenario, paired by round. */
function roundPairs(
  measurements: readonly Measurement[],
  scenario: string,
  a: string,
  b: string,
): [Measurement, Measurement][] {
  const of = (id: string) =>
    new Map(
      measurements
        .filter((m) => m.scenario === scenario && m.contender === id)
        .map((m) => [m.round, m]),
    );
  const first = of(a);
  const second = of(b);
  return [...first].flatMap(([round, m]) => {
    const other = second.get(round);
    return other ? [[m, other] as [Measurement, Measurement]] : [];
  });
}
