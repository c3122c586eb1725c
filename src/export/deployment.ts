// What every export target needs to know about a server, worked out once: its command, port, probes, budget and grace.
import { isBuiltin, type Config, type ServerConfig } from '../../common/config/types.js';
import { serverArgs, serverEntry } from '../../common/protocol.js';

/** Where the config and models live inside a container. */
export const CONTAINER_ROOT = '/srv/modelctl';

/** How our servers are started where the export runs them: what runs node, where the build is, which config. */
export interface Launch {
  node: string[];
  /** The build's folder: the one holding `servers/<kind>/main.js`. */
  dist: string;
  configFile: string;
}

/** In the image: the app under CONTAINER_ROOT, the config beside it (compose and k8s). */
export const IN_CONTAINER: Launch = {
  node: ['node'],
  dist: `${CONTAINER_ROOT}/app/dist`,
  configFile: `${CONTAINER_ROOT}/models.yaml`,
};

export interface ServerDeployment {
  name: string;
  kind: ServerConfig['kind'];
  /** One of our servers (probes on /health, /livez; READY=1 to systemd), or a foreign command. */
  builtin: boolean;
  /** The address the server listens on, as the config gives it. */
  host: string;
  port: number;
  /** The command line where it runs (our servers: node + their entry in the build; foreign: their own command). */
  command: string[];
  /** Strict health: 200 once every required model is ready (the whole cold start). */
  startupPath: string;
  /** Serving: 200 once the first-priority models are ready. */
  readinessPath: string;
  /** Alive after start-up: /livez for ours (never tied to loading), the health URL for a foreign server. */
  livenessPath: string;
  /** The watchdog's numbers in whole seconds; undefined with `liveness: off`. */
  liveness?: { periodSeconds: number; timeoutSeconds: number; failureThreshold: number };
  budgetSeconds: number;
  graceSeconds: number;
  restart: ServerConfig['restart'];
  dependsOn: string[];
}

export function serverDeployments(config: Config, launch: Launch = IN_CONTAINER): ServerDeployment[] {
  return config.servers.map((s) => {
    const ours = isBuiltin(s);
    return {
      name: s.name,
      kind: s.kind,
      builtin: ours,
      host: s.host,
      port: s.port,
      command: ours
        ? [...launch.node, `${launch.dist}/${serverEntry(s.kind)}`, ...serverArgs(launch.configFile, s.name)]
        : s.command,
      startupPath: ours ? '/health' : s.health,
      readinessPath: ours ? '/health?ready=any' : s.health,
      livenessPath: ours ? '/livez' : s.health,
      liveness: s.liveness && {
        periodSeconds: wholeSeconds(s.liveness.periodMs),
        timeoutSeconds: wholeSeconds(s.liveness.timeoutMs),
        failureThreshold: s.liveness.failures,
      },
      budgetSeconds: Math.ceil(config.budgetMs / 1000),
      graceSeconds: Math.ceil(config.graceMs / 1000),
      restart: s.restart,
      dependsOn: [...s.dependsOn].sort(),
    };
  });
}

/** At least one second: probes and systemd take whole seconds. */
const wholeSeconds = (ms: number) => Math.max(1, Math.ceil(ms / 1000));

/** A startup probe that keeps trying for the whole budget: failureThreshold × periodSeconds ≥ budget. */
export function startupProbeTiming(budgetSeconds: number): { periodSeconds: number; failureThreshold: number } {
  const periodSeconds = budgetSeconds <= 30 ? 1 : 5;
  return { periodSeconds, failureThreshold: Math.max(1, Math.ceil(budgetSeconds / periodSeconds)) + 1 };
}
