// How a missing model file is obtained, in two steps: a plan (how many bytes it will take: a demo model's size, a
// remote file's size from a HEAD request) and then the work (synthesize, or download and verify). The HTTP code (got)
// is imported only for a remote file: a pull that finds every file present, as most `up`s do, never loads it.
import { PullError } from '../../common/errors.js';
import { checkDemoKeys, demoLlamaOptions } from './demo-options.js';
import type { Fetched, FetchOptions } from './fetch-remote.js';
import { fileSize, sha256File, writeAtomically } from './file-ops.js';
import { partPathOf } from './part-file.js';
import type { Hub } from './hf.js';
import type { Probe } from './probe.js';
import { type RemoteFile, remoteFileOf } from './remote-file.js';
import type { Source } from './source.js';

type DemoSource = Extract<Source, { kind: 'demo' }>;

/**
 * Demo model synthesizers by engine name: `demo:<engine>`, with the size they make by default and a check of their
 * query keys. Imported on use: a pull that finds every file present stays cheap.
 */
const DEMO_WRITERS: Record<
  string,
  {
    defaultBytes: number;
    check: (params: URLSearchParams) => void;
    write: (file: string, name: string, s: DemoSource) => Promise<number>;
  }
> = {
  llama: {
    defaultBytes: 2_000_000,
    check: demoLlamaOptions,
    async write(file, name, s) {
      const { template, eot } = demoLlamaOptions(s.params);
      const opts = { name, bytes: s.bytes ?? 2_000_000, seed: s.seed };
      if (template === undefined) return (await import('./demo-llama.js')).writeDemoLlama(file, opts);
      return (await import('./demo-llama-chat.js')).writeDemoLlamaChat(file, { ...opts, template, eot });
    },
  },
  whisper: {
    defaultBytes: 4_000_000,
    check: (params) => checkDemoKeys('whisper', params),
    write: async (file, _name, s) =>
      (await import('./demo-whisper.js')).writeDemoWhisper(file, { bytes: s.bytes, seed: s.seed }),
  },
};

/** How a file will be obtained and the bytes it will take on disk. */
export type Plan =
  | { kind: 'demo'; source: DemoSource; bytes: number }
  | { kind: 'remote'; remote: RemoteFile; probed: Probe; bytes: number };

/** What obtaining `file` from `source` will take; asks a remote origin for the size (and refuses what it refuses). */
export async function planObtain(source: Source, file: string, hub: Hub, fresh: boolean): Promise<Plan> {
  if (source.kind === 'demo') {
    const writer = DEMO_WRITERS[source.engine];
    if (!writer)
      throw new PullError(
        `demo:${source.engine} is not a demo model kind; known: ${Object.keys(DEMO_WRITERS)
          .map((k) => `demo:${k}`)
          .join(', ')}`,
      );
    try {
      writer.check(source.params);
    } catch (err) {
      throw new PullError((err as Error).message);
    }
    return { kind: 'demo', source, bytes: source.bytes ?? writer.defaultBytes };
  }
  const remote = remoteFileOf(source, hub)!;
  const { probe } = await import('./probe.js');
  const probed = await probe(remote);
  const have = fresh ? 0 : ((await fileSize(partPathOf(file))) ?? 0);
  return { kind: 'remote', remote, probed, bytes: Math.max(0, (probed.size ?? 0) - have) };
}

/** A file made or downloaded, with its sha256. */
export type Obtained = { action: 'made'; sha256: string } | ({ action: 'downloaded' } & Fetched);

/** Carries out a plan: the file appears complete (and verified when a checksum is known) or not at all. */
export async function obtain(
  plan: Plan,
  file: string,
  model: { name: string; sha256?: string },
  opts: Omit<FetchOptions, 'sha256' | 'probed'>,
): Promise<Obtained> {
  if (plan.kind === 'remote') {
    const { fetchRemote } = await import('./fetch-remote.js');
    const fetched = await fetchRemote(plan.remote, file, { ...opts, sha256: model.sha256, probed: plan.probed });
    return { action: 'downloaded', ...fetched };
  }
  const writer = DEMO_WRITERS[plan.source.engine]!;
  await writeAtomically(file, (tmp) => writer.write(tmp, model.name, plan.source));
  return { action: 'made', sha256: await sha256File(file) };
}
