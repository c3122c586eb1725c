// Reads our Markdown the way GitHub renders it, for the documentation tests: tables, headings with their anchors, and
// the links of a page, leaving out what sits in code.

/** The text outside fenced code blocks, with each fenced line blanked so line numbers stay. */
function outsideFences(text: string): string[] {
  let fenced = false;
  return text.split('\n').map((line) => {
    if (/^\s*(```|~~~)/.test(line)) {
      fenced = !fenced;
      return '';
    }
    return fenced ? '' : line;
  });
}

/** The rows (cells trimmed, header and rule left out) of the first Markdown table at or after a line matching `at`. */
export function tableAfter(text: string, at: RegExp): string[][] {
  const lines = text.split('\n');
  const start = lines.findIndex((l) => at.test(l));
  if (start < 0) throw new Error(`no line matches ${at}`);
  const rows: string[][] = [];
  for (const line of lines.slice(start)) {
    if (!line.startsWith('|')) {
      if (rows.length > 0) break;
      continue;
    }
    rows.push(
      line
        .split(/(?<!\\)\|/)
        .slice(1, -1)
        .map((c) => c.trim()),
    );
  }
  return rows.slice(2);
}

/** The text from the heading line matching `heading` up to the next heading of the same or a higher level. */
export function section(text: string, heading: RegExp): string {
  const lines = outsideFences(text);
  const start = lines.findIndex((l) => /^#{1,6} /.test(l) && heading.test(l));
  if (start < 0) throw new Error(`no heading matches ${heading}`);
  const level = /^#+/.exec(lines[start]!)![0].length;
  const end = lines.findIndex((l, i) => i > start && new RegExp(`^#{1,${level}} `).test(l));
  return text
    .split('\n')
    .slice(start, end < 0 ? undefined : end)
    .join('\n');
}

/** GitHub's anchor for a heading: the rendered text lower-cased, punctuation dropped, spaces turned into hyphens. */
export function slugOf(heading: string): string {
  const rendered = heading
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/[`*]/g, '')
    .trim();
  return rendered
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\p{M}\s_-]/gu, '')
    .replace(/ /g, '-');
}

/** Every anchor a page's headings make, a repeated one numbered as GitHub does (`-1`, `-2`, …). */
export function anchorsOf(text: string): Set<string> {
  const seen = new Map<string, number>();
  const anchors = new Set<string>();
  for (const line of outsideFences(text)) {
    const m = /^#{1,6} (.*)$/.exec(line);
    if (!m) continue;
    const slug = slugOf(m[1]!);
    const n = seen.get(slug) ?? 0;
    seen.set(slug, n + 1);
    anchors.add(n === 0 ? slug : `${slug}-${n}`);
  }
  return anchors;
}

/** The targets of a page's inline links and images, outside code, with the line each is on. */
export function linksOf(text: string): { target: string; line: number }[] {
  const links: { target: string; line: number }[] = [];
  outsideFences(text).forEach((line, i) => {
    const prose = line.replace(/`[^`]*`/g, '');
    for (const m of prose.matchAll(/!?\[[^\]]*\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g))
      links.push({ target: m[1]!, line: i + 1 });
  });
  return links;
}
