// JUnit XML for CI systems: one testcase per server (ready within budget) and per model (loaded), failures with the
// reason.
import type { ColdStartReport } from '../coldstart/report.js';
import { escapeXml } from './xml.js';
const seconds = (ms: number | null) => ((ms ?? 0) / 1000).toFixed(3);

export function junitXml(r: ColdStartReport): string {
  const cases: string[] = [];
  let failures = 0;
  const testcase = (classname: string, name: string, ms: number | null, failure?: string) => {
    if (failure) failures += 1;
    const body = failure
      ? `>\n      <failure message="${escapeXml(failure)}">${escapeXml(failure)}</failure>\n    </testcase>`
      : ' />';
    cases.push(
      `    <testcase classname="${escapeXml(classname)}" name="${escapeXml(name)}" time="${seconds(ms)}"${body}`,
    );
  };
  for (const s of r.servers) {
    const notReady =
      s.readyMs === null
        ? (r.reason ?? 'not ready')
        : s.readyMs > r.budgetMs
          ? `ready after ${s.readyMs} ms, over the budget of ${r.budgetMs} ms`
          : undefined;
    testcase(`coldstart.${s.name}`, `server ${s.name} ready within ${r.budgetMs} ms`, s.readyMs, notReady);
    for (const m of s.models) {
      testcase(
        `coldstart.${s.name}`,
        `model ${m.name} loaded`,
        m.loadMs,
        m.state === 'ready'
          ? undefined
          : `model ${m.name} is ${m.state} after ${m.attempts} attempt(s)${r.reason ? `: ${r.reason}` : ''}`,
      );
    }
  }
  if (r.servers.length === 0) testcase('coldstart', 'stack ready', null, r.reason ?? 'not ready');
  const counts = `tests="${cases.length}" failures="${failures}" time="${seconds(r.coldStartMs)}"`;
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="modelctl coldstart-test" ${counts}>`,
    `  <testsuite name="coldstart" errors="0" skipped="0" ${counts}>`,
    ...cases,
    '  </testsuite>',
    '</testsuites>',
    '',
  ].join('\n');
}
