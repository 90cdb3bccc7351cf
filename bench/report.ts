import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Summary } from './measure';

/** One row of the table: LearnFlow and, where there is one, its baseline, with the targets that apply to it. */
export interface ScenarioResult {
  id: string;
  title: string;
  /** What a request is here: a request, a checkout of three requests, a job. */
  unit: string;
  learnflow?: Summary;
  baseline?: Summary;
  /** Why there is no measurement (a body that differs from LearnFlow's, a failure). */
  problem?: string;
}

export interface Verdict {
  scenario: string;
  target: string;
  value: string;
  met: boolean;
}

export interface Machine {
  nproc: number;
  cpu: string;
  postgres: string;
  node: string;
  loadAverage: number[];
}

export function machine(postgres: string): Machine {
  const cpuinfo = fs.readFileSync('/proc/cpuinfo', 'utf8');
  return {
    nproc: os.availableParallelism(),
    cpu: /model name\s*:\s*(.+)/.exec(cpuinfo)?.[1]?.trim() ?? 'unknown',
    postgres,
    node: process.version,
    loadAverage: os.loadavg().map((x) => Math.round(x * 100) / 100),
  };
}

const f1 = (x: number | undefined): string => (x === undefined ? '' : x.toFixed(1));
const f2 = (x: number | undefined): string => (x === undefined ? '' : x.toFixed(2));
/** Rates: whole numbers, one decimal under 10 (a job or a checkout a second). */
const rate = (x: number | undefined): string => (x === undefined ? '' : x.toFixed(x < 10 ? 1 : 0));

/** The targets of issue 13 (Deliver 2), each marked met or not from the figures. */
export function verdicts(results: ScenarioResult[], memory: { rssMaxMb: number; hwmMb: number }): Verdict[] {
  const out: Verdict[] = [];
  const get = (id: string): ScenarioResult | undefined => results.find((r) => r.id === id && r.learnflow);
  const ratio = (r: ScenarioResult): number | undefined => (r.baseline && r.learnflow ? r.learnflow.rps / r.baseline.rps : undefined);
  const missing = (scenario: string, target: string, why = 'not measured'): void => {
    out.push({ scenario, target, value: why, met: false });
  };
  for (const id of ['list-default', 'list-filtered', 'search', 'course-anonymous', 'course-enrolled']) {
    const r = get(id);
    const target = 'server CPU/req ≤ baseline + 0.5 ms';
    if (!r?.baseline || !r.learnflow) {
      missing(id, target, r?.problem ?? results.find((x) => x.id === id)?.problem);
      continue;
    }
    const diff = r.learnflow.cpuMsPerReq - r.baseline.cpuMsPerReq;
    out.push({ scenario: id, target, value: `${diff >= 0 ? '+' : ''}${diff.toFixed(2)} ms`, met: diff <= 0.5 });
  }
  for (const id of ['list-filtered', 'search', 'course-anonymous', 'course-enrolled']) {
    const r = get(id);
    const x = r && ratio(r);
    if (x === undefined) missing(id, 'req/s ≥ 0.9 × baseline', results.find((y) => y.id === id)?.problem);
    else out.push({ scenario: id, target: 'req/s ≥ 0.9 × baseline', value: `${x.toFixed(2)} ×`, met: x >= 0.9 });
  }
  const list = get('list-default');
  const x = list && ratio(list);
  if (x === undefined) missing('list-default', 'req/s ≥ 1.5 × baseline', results.find((y) => y.id === 'list-default')?.problem);
  else out.push({ scenario: 'list-default', target: 'req/s ≥ 1.5 × baseline', value: `${x.toFixed(2)} ×`, met: x >= 1.5 });
  const typo = get('search-typo');
  if (!typo?.learnflow) missing('search-typo', 'p50 < 50 ms');
  else out.push({ scenario: 'search-typo', target: 'p50 < 50 ms', value: `${typo.learnflow.p50} ms`, met: typo.learnflow.p50 < 50 });
  const deep = get('list-deep');
  if (!deep?.learnflow || !list?.learnflow) missing('list-deep', 'p99 ≤ 1.5 × page 1 p99', 'needs list-default and list-deep');
  else {
    const q = deep.learnflow.p99 / Math.max(list.learnflow.p99, 1);
    out.push({
      scenario: 'list-deep',
      target: 'p99 ≤ 1.5 × page 1 p99',
      value: `${deep.learnflow.p99} vs ${list.learnflow.p99} ms (${q.toFixed(2)} ×)`,
      met: q <= 1.5,
    });
  }
  const checkout = get('checkout');
  const c = checkout && ratio(checkout);
  if (c === undefined) missing('checkout', 'checkouts/s ≥ 0.6 × raw', results.find((y) => y.id === 'checkout')?.problem);
  else out.push({ scenario: 'checkout', target: 'checkouts/s ≥ 0.6 × raw', value: `${c.toFixed(2)} ×`, met: c >= 0.6 });
  const workers = get('workers');
  const w = workers && ratio(workers);
  if (w === undefined) missing('workers', 'jobs/s ≥ 0.5 × no-op', results.find((y) => y.id === 'workers')?.problem);
  else out.push({ scenario: 'workers', target: 'jobs/s ≥ 0.5 × no-op', value: `${w.toFixed(2)} ×`, met: w >= 0.5 });
  out.push({
    scenario: 'memory',
    target: 'compiled API RSS < 150 MB',
    value: `max RSS ${memory.rssMaxMb} MB, VmHWM ${memory.hwmMb} MB`,
    met: memory.hwmMb > 0 && memory.hwmMb < 150,
  });
  // A scenario left out of this run (BENCH_SCENARIOS) has no verdict, rather than a missed one.
  return out.filter((v) => v.scenario === 'memory' || results.some((r) => r.id === v.scenario));
}

export function markdown(
  results: ScenarioResult[],
  checks: Verdict[],
  meta: { machine: Machine; courses: number; seconds: number; rounds: number; wallSeconds: number; command: string },
): string {
  const lines = [
    `LearnFlow (compiled, NODE_ENV=production) against a bare node:http + pg server running the same SQL (bench/baseline-server.ts),`,
    `${meta.courses} courses, ${meta.rounds} alternating rounds of ${meta.seconds} s per side, 10 connections. CPU per request from /proc`,
    `(utime+stime of the server process; of the PostgreSQL backends serving it). Machine: ${meta.machine.nproc} cores, ${meta.machine.cpu},`,
    `${meta.machine.postgres}, Node ${meta.machine.node}; load average at the end ${meta.machine.loadAverage.join(' ')}. Wall time ${meta.wallSeconds.toFixed(0)} s.`,
    `Command: \`${meta.command}\``,
    '',
    '| scenario | LF req/s | LF p50 ms | LF p99 ms | LF cpu ms/req | LF pg ms/req | base req/s | base p50 | base p99 | base cpu ms/req | base pg ms/req | ratio |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const r of results) {
    const l = r.learnflow;
    const b = r.baseline;
    const ratio = l && b && b.rps > 0 ? `${(l.rps / b.rps).toFixed(2)}` : '';
    const note = r.problem ? ` (${r.problem})` : '';
    lines.push(
      `| ${r.title}${r.unit === 'request' ? '' : ` [${r.unit}/s]`}${note} | ${rate(l?.rps)} | ${f1(l?.p50)} | ${f1(l?.p99)} | ${f2(l?.cpuMsPerReq)} | ${f2(l?.pgMsPerReq)} | ${rate(b?.rps)} | ${f1(b?.p50)} | ${f1(b?.p99)} | ${f2(b?.cpuMsPerReq)} | ${f2(b?.pgMsPerReq)} | ${ratio} |`,
    );
  }
  lines.push('', '| target (issues 13, 14) | scenario | value | met |', '|---|---|---|---|');
  for (const v of checks) lines.push(`| ${v.target} | ${v.scenario} | ${v.value} | ${v.met ? 'met' : '**not met**'} |`);
  return `${lines.join('\n')}\n`;
}

export function writeResults(dir: string, json: unknown, md: string): void {
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'latest.json'), `${JSON.stringify(json, null, 2)}\n`);
  fs.writeFileSync(path.join(dir, 'latest.md'), md);
}
