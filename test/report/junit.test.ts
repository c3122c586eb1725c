import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import type { RunResult } from '../../src/coldstart/measure.js';
import { buildReport } from '../../src/coldstart/report.js';
import { junitXml } from '../../src/report/junit.js';

describe('JUnit output', () => {
  it('is valid XML with one testcase per server and per model, failures carrying the reason', () => {
    const bad: RunResult = {
      ok: false,
      reason: 'server llm: "chat" <broken> & gone',
      servers: [{ name: 'llm', state: 'failed', models: [{ name: 'chat', attempts: 2, state: 'failed' }] }],
    };
    const xml = junitXml(buildReport([bad], 2000));
    expect(XMLValidator.validate(xml)).toBe(true);
    const doc = new XMLParser({ ignoreAttributes: false }).parse(xml);
    const cases = doc.testsuites.testsuite.testcase as { '@_name': string; failure?: { '@_message': string } }[];
    expect(cases.map((c) => c['@_name'])).toEqual(['server llm ready within 2000 ms', 'model chat loaded']);
    expect(cases[1]!.failure!['@_message']).toContain('"chat" <broken> & gone');
    expect(doc.testsuites['@_failures']).toBe('2');
  });
});
