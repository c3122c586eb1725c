// `hf:OWNER/REPO/FILE[@REVISION]`: a file in a Hugging Face model repository, as models.yaml names it. Pure parsing,
// shared by config validation (a bad reference is a config error) and `modelctl pull` (which resolves it to a URL).

/** One file of one revision of a hub model repository. */
export interface HfRef {
  owner: string;
  repo: string;
  /** Path inside the repository; may hold folders (`Q4_K_M/model-00001-of-00002.gguf`). */
  file: string;
  /** Branch, tag or commit; `main` when not given. */
  revision: string;
}

/** How a source says it is on the hub. */
export const HF_PREFIX = 'hf:';
/** The form messages show when a reference is malformed. */
export const HF_FORM = 'hf:OWNER/REPO/FILE[@REVISION]';

/** The hub's rule for user, organization and repository names. */
const HUB_NAME = /^[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?$/;

/** Reads an `hf:` source; returns what is wrong with it instead when it is not one. */
export function parseHfRef(text: string): HfRef | { problem: string } {
  if (!text.startsWith(HF_PREFIX)) return { problem: `expected ${HF_FORM}` };
  const body = text.slice(HF_PREFIX.length);
  const at = body.lastIndexOf('@');
  const path = at === -1 ? body : body.slice(0, at);
  const revision = at === -1 ? 'main' : body.slice(at + 1);
  const [owner = '', repo = '', ...rest] = path.split('/');
  const file = rest.join('/');
  if (!owner || !repo || !file) return { problem: `expected ${HF_FORM}: owner, repository and file are all needed` };
  for (const [what, name] of [
    ['owner', owner],
    ['repository', repo],
  ] as const) {
    if (!HUB_NAME.test(name) || name.includes('--') || name.includes('..') || name.length > 96)
      return { problem: `"${name}" is not a valid hub ${what} name (letters, digits, "-", "_", ".")` };
  }
  if (rest.some((part) => part === '' || part === '.' || part === '..'))
    return { problem: `"${file}" is not a file path inside the repository` };
  if (revision === '' || /\s/.test(revision))
    return { problem: `"${revision}" is not a revision (branch, tag or commit)` };
  return { owner, repo, file, revision };
}

/** `OWNER/REPO`, as messages name a repository. */
export const repoId = (ref: HfRef): string => `${ref.owner}/${ref.repo}`;
