// One rule of supervision per file, behind one interface (as concurrently's flow controllers are): the core runs the
// list and tells each policy what happens to a server; a policy acts through the core. Adding a rule is adding a file.
import type { ManagedServer } from '../core.js';
import type { ServerProcess } from '../server-process.js';

/** What a policy may hook into; every hook is optional. */
export interface SupervisionPolicy {
  /** The stack's first start begins, before any server is spawned. */
  stackStarting?(): void;
  /** A process of `s` was spawned to start it; the function returned (if any) runs once that start's wait is over. */
  starting?(s: ManagedServer, proc: ServerProcess): (() => void) | void;
  /** `s` is ready on `proc` and under supervision; the function returned (if any) ends the watch. */
  supervise?(s: ManagedServer, proc: ServerProcess): (() => void) | void;
}
