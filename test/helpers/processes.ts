// The processes whose command line mentions a text (a config path: our servers carry it in their arguments), for the
// "no process left" checks. pgrep exits 1 when none matches; any other failure (pgrep not installed, killed) fails the
// check, which must never pass by not looking.
import { execa } from 'execa';

export async function processesMentioning(text: string): Promise<string[]> {
  const pattern = text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const r = await execa('pgrep', ['-af', pattern], { reject: false });
  if (r.exitCode === 1) return [];
  if (r.exitCode !== 0) {
    throw new Error(`cannot look for processes left running: ${r.shortMessage} (apt-get install -y procps)`);
  }
  return r.stdout.split('\n').filter((l) => l && !l.includes('pgrep'));
}
