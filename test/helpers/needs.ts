// What a test needs from the machine: a tool on PATH, the right to raise a priority again, an address that is not
// loopback. Where one is missing the test is skipped and says why (a developer's laptop); under MODELCTL_REQUIRE_ALL=1
// (set by .ci/run, which provides all of them) it fails and says what to install, so CI never passes a test by not
// running it.
import { execFileSync } from 'node:child_process';
import { networkInterfaces, getPriority, setPriority } from 'node:os';
import type { TestContext } from 'vitest';
import { findBrowser } from './browser.js';

export const REQUIRE_ALL = process.env.MODELCTL_REQUIRE_ALL === '1';

/** One thing a test needs: `missing()` says what is missing and how to get it, or undefined when it is there. */
export interface Need {
  missing(): Promise<string | undefined> | string | undefined;
}

/** Skips the test, saying why, unless every need is met; under MODELCTL_REQUIRE_ALL=1 fails it instead. */
export async function needs(ctx: TestContext, ...wanted: Need[]): Promise<void> {
  const missing = (await Promise.all(wanted.map((n) => n.missing()))).filter((m): m is string => Boolean(m));
  if (missing.length === 0) return;
  const why = missing.join('; ');
  if (REQUIRE_ALL) throw new Error(`${why} (MODELCTL_REQUIRE_ALL=1: a missing tool or right fails the test)`);
  console.warn(`skipped "${ctx.task.name}": ${why}`);
  ctx.skip(why);
}

const found = new Map<string, boolean>();
/** A command that runs (`command --version` exits 0), from the Debian package `pkg`. */
export function tool(command: string, pkg: string, args = ['--version']): Need {
  return {
    missing() {
      if (!found.has(command)) {
        try {
          execFileSync(command, args, { stdio: 'ignore', timeout: 10_000 });
          found.set(command, true);
        } catch {
          found.set(command, false);
        }
      }
      return found.get(command) ? undefined : `no working \`${command}\` (apt-get install -y ${pkg})`;
    },
  };
}

export const TOOLS = {
  script: tool('script', 'bsdutils'),
  fincore: tool('fincore', 'util-linux'),
  systemdAnalyze: tool('systemd-analyze', 'systemd'),
  python3: tool('python3', 'python3'),
  tmux: tool('tmux', 'tmux', ['-V']),
  pgrep: tool('pgrep', 'procps'),
};

/** Headless Chromium for the page tests: $CHROMIUM or one on PATH. */
export const BROWSER: Need = {
  missing: async () =>
    (await findBrowser()) ? undefined : 'no chromium (apt-get install -y chromium, or CHROMIUM=path)',
};

/** Root or CAP_SYS_NICE: the right to raise a priority again after lowering it. */
export const PRIORITY_RIGHT: Need = {
  missing() {
    const own = getPriority();
    try {
      setPriority(own - 1);
      setPriority(own);
      return undefined;
    } catch {
      return 'no right to raise a priority (run as root or with CAP_SYS_NICE)';
    }
  },
};

/** The label .ci/run gives the address it adds for tests of non-loopback callers. */
export const OTHER_ADDRESS_LABEL = 'lo:modelctl';
const ADD_ADDRESS = `ip addr add 10.213.0.1/32 dev lo label ${OTHER_ADDRESS_LABEL}`;

/**
 * An IPv4 address of this machine outside 127.0.0.0/8, so a request to it comes from a caller that is not loopback
 * without leaving the machine: the one .ci/run adds (label lo:modelctl), else any other the machine has.
 */
export function otherAddress(): string | undefined {
  const all = networkInterfaces();
  const ours = all[OTHER_ADDRESS_LABEL]?.find((a) => a.family === 'IPv4');
  if (ours) return ours.address;
  return Object.values(all)
    .flat()
    .find((a) => a && a.family === 'IPv4' && !a.address.startsWith('127.'))?.address;
}

export const OTHER_ADDRESS: Need = {
  missing: () => (otherAddress() ? undefined : `no IPv4 address outside 127.0.0.0/8 (as root: ${ADD_ADDRESS})`),
};
