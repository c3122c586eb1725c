import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { buildReport } from '../../src/coldstart/report.js';
import { junitXml } from '../../src/report/junit.js';
import { failedRun, run } from '../helpers/runs.js';

type Case = { '@_name': string; '@_time': string; failure?: { '@_message': string } };
const casesOf = (xml: string) => {
  const doc = new XMLParser({ ignoreAttributes: false }).parse(xml);
  return { doc, cases: [doc.testsuites.testsuite.testcase].flat() as Case[] };
};

describe('JUnit output', () => {
  it('is valid XML with one testcase per server and per model, failures carrying the reason', () => {
    const xml = junitXml(buildReport([failedRun('server llm: "chat" <broken> & gone')], 2000));
    expect(XMLValidator.validate(xml)).toBe(true);
    const { doc, cases } = casesOf(xml);
    expect(cases.map((c) => c['@_name'])).toEqual(['server llm ready within 2000 ms', 'model chat loaded']);
    expect(cases[1]!.failure!['@_message']).toContain('"chat" <broken> & gone');
    expect(doc.testsuites['@_failures']).toBe('2');
  });

  it('passes every testcase of a stack within budget, with times in seconds', () => {
    const { doc, cases } = casesOf(junitXml(buildReport([run(1000, 100)], 2000)));
    expect(cases.map((c) => [c['@_name'], c['@_time'], c.failure])).toEqual([
      ['server llm ready within 2000 ms', '1.000', undefined],
      ['model chat loaded', '0.100', undefined],
      ['server ocr ready within 2000 ms', '0.500', undefined],
      ['model eng loaded', '0.400', undefined],
    ]);
    expect([doc.testsuites['@_tests'], doc.testsuites['@_failures'], doc.testsuites['@_time']]).toEqual([
      '4',
      '0',
      '1.000',
    ]);
  });

  it('fails the testcase of a server ready after the budget, with both times', () => {
    const { cases } = casesOf(junitXml(buildReport([run(2500, 100)], 2000)));
    expect(cases[0]!.failure!['@_message']).toBe('ready after 2500 ms, over the budget of 2000 ms');
    expect(cases.filter((c) => c.failure)).toHaveLength(1);
  });

  it('has one failing testcase when no server got as far as starting', () => {
    const { cases } = casesOf(junitXml(buildReport([{ ok: false, reason: 'port 8081 is in use', servers: [] }], 2000)));
    expect(cases.map((c) => [c['@_name'], c.failure?.['@_message']])).toEqual([['stack ready', 'port 8081 is in use']]);
  });
});
