// A reload plan in plain words, one line per server: what the CLI prints first, and what a SIGHUP'd supervisor logs.
import { describeDiff, isEmptyModelDiff } from '../../common/config/diff.js';
import type { ReloadPlan, ServerStep } from '../supervisor/events.js';

function whatHappens(s: ServerStep): string {
  switch (s.action) {
    case 'unchanged':
      return 'unchanged';
    case 'restart':
      return `restart this server alone (${s.reasons.join(', ')})`;
    case 'start':
      return 'start (new server)';
    case 'stop':
      return 'stop (no longer in the config)';
    case 'update': {
      const parts = [...(isEmptyModelDiff(s.models) ? [] : [describeDiff(s.models)]), ...s.reasons];
      return `${parts.join('; ')}; the process runs on`;
    }
  }
}

/** `config 1a2b… → 9f8e… (models.yaml)`, then `  llm      swap chat (path a.gguf → b.gguf); the process runs on`. */
export function planLines(p: ReloadPlan): string[] {
  const width = Math.max(5, ...p.servers.map((s) => s.server.length));
  const head = `config ${p.from} → ${p.to} (${p.file})`;
  const rows = p.servers.map((s) => `  ${s.server.padEnd(width)}  ${whatHappens(s)}`);
  const stack = p.stack.map((c) => `  ${'stack'.padEnd(width)}  ${c}`);
  return [head, ...rows, ...stack];
}
