// Text inside XML, the same way everywhere: the JUnit report, and the timeline's SVG and HTML (golden-tested).

/** Escapes `&`, `<`, `>` and `"`: safe in element text and in double-quoted attributes. */
export const escapeXml = (s: string): string =>
  s.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;');
