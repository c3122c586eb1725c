// Docker Compose: one service per server; the healthcheck's start_period is the budget, so `docker compose up --wait`
// is the cold-start gate; depends_on waits for the servers a server needs to be healthy.
import type { Config } from '../../common/config/types.js';
import { COMPOSE_ENV_FILE, type TokenWiring } from './admin-token.js';
import { CONTAINER_ROOT, serverDeployments } from './deployment.js';

/** Required unless the config gives the variable a default (`${VAR:-}`): then compose needs compose 2.24+. */
const composeEnvFile = (t: TokenWiring) =>
  t.optional ? { path: `./${COMPOSE_ENV_FILE}`, required: false } : `./${COMPOSE_ENV_FILE}`;

export function composeFile(config: Config, o: { image: string; modelsVolume: string; token?: TokenWiring }): object {
  const services: Record<string, object> = {};
  for (const p of serverDeployments(config)) {
    const probe = `fetch('http://127.0.0.1:${p.port}${p.startupPath}').then((r)=>process.exit(r.ok?0:1),()=>process.exit(1))`;
    services[p.name] = {
      image: o.image,
      command: p.command,
      working_dir: CONTAINER_ROOT,
      ports: [`127.0.0.1:${p.port}:${p.port}`],
      volumes: [`./models.yaml:${CONTAINER_ROOT}/models.yaml:ro`, `${o.modelsVolume}:${CONTAINER_ROOT}/models`],
      // The admin token's variable, from an env file kept beside compose.yaml (never in the config).
      ...(p.builtin && o.token ? { env_file: [composeEnvFile(o.token)] } : {}),
      healthcheck: {
        test: ['CMD', 'node', '-e', probe],
        interval: `${p.liveness?.periodSeconds ?? 5}s`,
        timeout: `${p.liveness?.timeoutSeconds ?? 3}s`,
        retries: p.liveness?.failureThreshold ?? 3,
        start_period: `${p.budgetSeconds}s`,
        start_interval: '1s',
      },
      restart: p.restart.policy === 'off' ? 'no' : `on-failure:${p.restart.max}`,
      stop_grace_period: `${p.graceSeconds}s`,
      ...(p.dependsOn.length > 0
        ? { depends_on: Object.fromEntries(p.dependsOn.map((d) => [d, { condition: 'service_healthy' }])) }
        : {}),
    };
  }
  return { name: 'modelctl', services, volumes: { [o.modelsVolume]: {} } };
}
