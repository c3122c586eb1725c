// Where a running `up` takes reloads from: its control socket (`modelctl reload`) and SIGHUP. A foreground `up` on a
// terminal takes SIGHUP as the terminal hanging up, and stops, as before; a detached supervisor, or one whose output
// is not a terminal, reloads on it.
import type { Config } from '../../common/config/types.js';
import type { Supervisor } from '../supervisor/supervisor.js';
import { StackReloader } from './apply.js';
import { controlSocketPath, listenForControl } from './control-socket.js';

export interface ReloadChannel {
  /** The control socket's path (written to the state file). */
  path: string;
  /** The stack is up: take reloads from now on. */
  accept(): void;
  /** The stack is stopping: stop listening and refuse reloads (one under way runs on, but starts no server). */
  close(): void;
}

export async function openReloads(
  config: Config,
  sup: Supervisor,
  opts: { hangupStops: boolean; onHangup(): void; note(text: string): void },
): Promise<ReloadChannel> {
  const reloader = new StackReloader(sup);
  const path = controlSocketPath(config.stateDir);
  const close = await listenForControl(path, sup, reloader);
  const onHup = () => {
    if (opts.hangupStops) return opts.onHangup();
    opts.note('SIGHUP: reading the config again');
    void reloader.reload().then((r) => r.ok || r.exitCode !== 2 || opts.note(`reload refused: ${r.error}`));
  };
  // Installed at once: Node's default for SIGHUP is to exit, which would stop the stack.
  process.on('SIGHUP', onHup);
  let open = true;
  return {
    path,
    accept: () => reloader.accept(),
    close: () => {
      if (!open) return;
      open = false;
      reloader.refuse();
      process.off('SIGHUP', onHup);
      close();
    },
  };
}
