import { existsSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { loadWatchFile, VigilError, type VigilConfig, type Watch } from '@vigil/core';
import { watchSchema } from '@vigil/actions';
import { MemoryAlertStore } from '@vigil/store';
import { createRunDeps, replay, runOnce, type ManualRunReport, type RunDeps } from '@vigil/watcher';
import type { Output } from '../../output.ts';

export interface WatchRunOptions {
  at?: string;
  dryRun?: boolean;
  json?: boolean;
}

export interface WatchTestOptions {
  from: string;
  to: string;
  json?: boolean;
}

function parseTime(text: string, option: string): Date {
  const date = new Date(text);
  if (Number.isNaN(date.getTime())) throw new VigilError('CONFIG_INVALID', `${option}: "${text}" is not a time: write ISO 8601, for example 2026-11-22T09:49:32Z`);
  return date;
}

/** A watch file (validated) when `target` is a path, else the registered watch of that id. */
async function resolveWatch(target: string, deps: RunDeps): Promise<{ watch: Watch; version?: number }> {
  if (existsSync(target)) return { watch: loadWatchFile(target, watchSchema()).watch };
  const stored = await deps.registry.get(target);
  if (stored === undefined) throw new VigilError('CONFIG_INVALID', `no watch file or registered watch "${target}" (vigil watch list shows the registered ones)`);
  return { watch: stored.value.definition, version: stored.value.version };
}

/** One line per truncation: where, why, its figures; and whether alerts were kept from resolving. */
function printTruncated(report: ManualRunReport, out: Output): void {
  for (const t of report.truncated) {
    const figures = Object.entries(t)
      .filter(([name]) => !['path', 'reason', 'affects_entities'].includes(name))
      .map(([name, value]) => `${name} ${String(value)}`);
    out.log(`  truncated ${t.path}: ${t.reason} (${figures.join(', ')})${t.affects_entities ? ': entities may be missing' : ''}`);
  }
  if (report.kept_active > 0) out.log(`  ${report.kept_active} active alert(s) not matched and kept, not resolved: the result was truncated`);
}

function printReport(report: ManualRunReport, out: Output): void {
  out.log(`watch ${report.watch}: window ${report.window.from} .. ${report.window.to}, ${report.hits} hits, ${report.alerts.length} alert(s)`);
  printTruncated(report, out);
  for (const alert of report.alerts) out.log(`  ${alert.state.padEnd(8)} ${JSON.stringify(alert.entity)} ${JSON.stringify(alert.payload)}`);
  for (const action of report.actions) {
    const why = action.error ?? action.reason;
    out.log(`    action ${action.id} (${action.type}) ${action.status}${why === undefined ? '' : `: ${why}`}`);
  }
}

/** `vigil watch run <id|file>`: runs a watch now or as of `--at`, printing entities, alerts and actions. */
export async function watchRunCommand(config: VigilConfig, target: string, opts: WatchRunOptions, out: Output): Promise<number> {
  const deps = createRunDeps(config, { log: (line) => out.error(line) });
  try {
    const { watch, version } = await resolveWatch(target, deps);
    const at = opts.at === undefined ? deps.clock.now() : parseTime(opts.at, '--at');
    const report = await runOnce(deps, watch, { at, dryRun: opts.dryRun ?? false, runId: `manual-${randomUUID()}`, ...(version === undefined ? {} : { version }) });
    if (opts.json) out.log(JSON.stringify(report));
    else printReport(report, out);
    return 0;
  } finally {
    await deps.close();
  }
}

/** `vigil watch test <file> --from --to`: replays a watch window by window over past data. */
export async function watchTestCommand(config: VigilConfig, target: string, opts: WatchTestOptions, out: Output): Promise<number> {
  const deps = createRunDeps(config, { log: (line) => out.error(line) });
  try {
    const { watch } = await resolveWatch(target, deps);
    const range = { from: parseTime(opts.from, '--from'), to: parseTime(opts.to, '--to') };
    if (range.to <= range.from) throw new VigilError('CONFIG_INVALID', '--to must be after --from');
    const reports = await replay(deps, watch, range, new MemoryAlertStore());
    if (opts.json) {
      out.log(JSON.stringify(reports));
      return 0;
    }
    for (const report of reports.filter((r) => r.alerts.length > 0 || r.actions.length > 0 || r.truncated.length > 0)) printReport(report, out);
    const notified = reports.flatMap((r) => r.actions).filter((a) => a.status === 'simulated').length;
    out.log(`${reports.length} window(s), ${reports.filter((r) => r.alerts.length > 0).length} with alerts, ${notified} notification(s) that would have been sent`);
    return 0;
  } finally {
    await deps.close();
  }
}
