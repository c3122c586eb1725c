// Hugging Face: where an `hf:` reference lives (HF_ENDPOINT), the token that opens gated and private repositories
// (HF_TOKEN), and what the hub means when it refuses a file (401/403/404 with X-Error-Code).
import { type HfRef, repoId } from '../../common/config/hf-ref.js';

/** The hub to pull from. The token is a secret: it goes into request headers and nowhere else. */
export interface Hub {
  endpoint: string;
  token?: string;
}

/** The public hub, when HF_ENDPOINT names no other. */
export const DEFAULT_HF_ENDPOINT = 'https://huggingface.co';

/** The hub settings from the environment, the same variables huggingface_hub, llama.cpp and Ollama read. */
export function hubFromEnv(env: NodeJS.ProcessEnv): Hub {
  const endpoint = (env.HF_ENDPOINT?.trim() || DEFAULT_HF_ENDPOINT).replace(/\/+$/, '');
  const token = env.HF_TOKEN?.trim() || undefined;
  return { endpoint, token };
}

/** `ENDPOINT/OWNER/REPO/resolve/REVISION/FILE`: the revision escaped whole (`refs/pr/1`), the file per folder. */
export function resolveUrl(ref: HfRef, hub: Hub): URL {
  const file = ref.file.split('/').map(encodeURIComponent).join('/');
  return new URL(`${hub.endpoint}/${ref.owner}/${ref.repo}/resolve/${encodeURIComponent(ref.revision)}/${file}`);
}

/** The link people open to read a repository's terms or settings. */
export const repoPage = (ref: HfRef, hub: Hub): string => `${hub.endpoint}/${repoId(ref)}`;

/**
 * What a refused resolve request means, in words that say what to do. The hub answers 401 for gated, private and
 * missing repositories alike when no token is sent (so as not to reveal which exist), 403 for a gated repository
 * whose terms the token's user has not accepted, and 404 for a missing file or revision.
 */
export function explainHubRefusal(
  ref: HfRef,
  hub: Hub,
  status: number,
  errorCode: string | undefined,
  tokenSent: boolean,
): string | undefined {
  const repo = repoId(ref);
  if (errorCode === 'EntryNotFound' || (status === 404 && !errorCode))
    return `no such file in ${repo} at ${ref.revision}: ${ref.file}`;
  if (errorCode === 'RevisionNotFound') return `no revision ${ref.revision} in ${repo}`;
  if (status === 401 || status === 403 || errorCode === 'GatedRepo' || errorCode === 'RepoNotFound') {
    if (!tokenSent) return `${repo} is gated or private: set HF_TOKEN (or the repository does not exist)`;
    const page = repoPage(ref, hub);
    if (errorCode === 'GatedRepo')
      return `${repo} is gated and HF_TOKEN has not been granted access: accept its terms at ${page}`;
    if (errorCode === 'RepoNotFound') return `no repository ${repo}, or HF_TOKEN has no access to it`;
    return `HF_TOKEN was refused for ${repo} (HTTP ${status}): check that it is valid and can read the repository`;
  }
  return undefined;
}
