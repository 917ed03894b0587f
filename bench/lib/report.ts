/**
 * Benchmark results: every figure next to its baseline from the same run on the same machine,
 * written to bench/results/<date>.json and a markdown summary beside it.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export interface Comparison {
  name: string;
  unit: string;
  value: number;
  baselineName?: string;
  baseline?: number;
  /** value / baseline */
  ratio?: number;
  target?: number;
  /** true when ratio ≥ target (or value ≤ target for "max" targets) */
  met?: boolean;
  extra?: Record<string, number | string>;
}

export interface BenchReport {
  startedAt: string;
  machine: { cpus: number; cpuModel: string; memoryGiB: number; node: string; platform: string };
  sections: { title: string; results: Comparison[]; notes?: string[] }[];
}

export function machineInfo(): BenchReport['machine'] {
  return {
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model ?? 'unknown',
    memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    platform: `${os.platform()} ${os.release()}`,
  };
}

export function compare(
  name: string,
  unit: string,
  value: number,
  baselineName?: string,
  baseline?: number,
  target?: number,
  extra?: Comparison['extra'],
): Comparison {
  const ratio = baseline ? value / baseline : undefined;
  return {
    name,
    unit,
    value: round(value),
    baselineName,
    baseline: baseline === undefined ? undefined : round(baseline),
    ratio: ratio === undefined ? undefined : round(ratio, 3),
    target,
    met: target === undefined || ratio === undefined ? undefined : ratio >= target,
    extra,
  };
}

export function round(n: number, digits = 1): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  const idx = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[idx]!;
}

export function writeReport(
  report: BenchReport,
  dir = path.join(__dirname, '..', 'results'),
): string {
  fs.mkdirSync(dir, { recursive: true });
  const stamp = report.startedAt.replace(/[:]/g, '-').replace(/\..*$/, '');
  const jsonPath = path.join(dir, `${stamp}.json`);
  fs.writeFileSync(jsonPath, JSON.stringify(report, null, 2));
  fs.writeFileSync(path.join(dir, `${stamp}.md`), toMarkdown(report));
  fs.writeFileSync(path.join(dir, 'latest.md'), toMarkdown(report));
  return jsonPath;
}

export function toMarkdown(report: BenchReport): string {
  const m = report.machine;
  const lines = [
    `# Benchmarks ${report.startedAt}`,
    '',
    `Machine: ${m.cpus} × ${m.cpuModel}, ${m.memoryGiB} GiB, Node ${m.node}, ${m.platform}`,
    '',
  ];
  for (const section of report.sections) {
    lines.push(`## ${section.title}`, '');
    lines.push(
      '| measure | value | baseline | ratio | target | met | details |',
      '| --- | --- | --- | --- | --- | --- | --- |',
    );
    for (const r of section.results) {
      lines.push(
        `| ${r.name} | ${r.value} ${r.unit} | ${r.baseline === undefined ? '' : `${r.baseline} ${r.unit} (${r.baselineName})`} | ${r.ratio ?? ''} | ${r.target ?? ''} | ${r.met === undefined ? '' : r.met ? 'yes' : 'no'} | ${Object.entries(
          r.extra ?? {},
        )
          .map(([k, v]) => `${k} ${v}`)
          .join(', ')} |`,
      );
    }
    for (const note of section.notes ?? []) lines.push('', `- ${note}`);
    lines.push('');
  }
  return lines.join('\n');
}

/** A figure with a ceiling (memory): met when value ≤ target. */
export function atMost(
  name: string,
  unit: string,
  value: number,
  target: number,
  extra?: Comparison['extra'],
): Comparison {
  return { name, unit, value: round(value), target, met: value <= target, extra };
}
