// How a deployment hands the admin token to the servers without writing it anywhere: the config names an environment
// variable (`adminToken: ${MODELCTL_ADMIN_TOKEN}`), and each target fills it from its own secret store: a Kubernetes
// Secret, compose's env_file, systemd's EnvironmentFile. A token written into the file itself is replaced by that
// variable in what is exported, so it never lands in a ConfigMap.
import { isMap, type Document } from 'yaml';

/** The variable exported files read the token from when the config does not name one. */
export const DEFAULT_TOKEN_VARIABLE = 'MODELCTL_ADMIN_TOKEN';
/** The Kubernetes Secret (key `token`) the Deployments read it from. */
export const TOKEN_SECRET = 'modelctl-admin-token';
/** The env file compose services read (beside compose.yaml) and the one systemd units read. */
export const COMPOSE_ENV_FILE = 'modelctl.env';
export const SYSTEMD_ENV_FILE = '/etc/modelctl/modelctl.env';

export interface TokenWiring {
  /** The environment variable the config's `adminToken` reads. */
  variable: string;
  /** The file wrote the token itself (not a variable): exported configs get `${variable}` in its place. */
  literal: boolean;
  /** `${VAR:-}`: the token may be left unset (loopback-only admin routes), so the secret store may lack it. */
  optional: boolean;
}

/** How `adminToken` is given in the config's YAML, or undefined when there is none. */
export function adminTokenWiring(doc: Document): TokenWiring | undefined {
  if (!isMap(doc.contents)) return undefined;
  const raw = doc.get('adminToken');
  if (raw === undefined || raw === null || raw === '') return undefined;
  const reference = /^\$\{([A-Za-z_][A-Za-z0-9_]*)(:-[^}]*)?\}$/.exec(String(raw).trim());
  if (!reference) return { variable: DEFAULT_TOKEN_VARIABLE, literal: true, optional: false };
  return { variable: reference[1]!, literal: false, optional: reference[2] !== undefined };
}

/** Puts `${variable}` where the file wrote the token itself. */
export function withoutLiteralToken(doc: Document): void {
  const wiring = adminTokenWiring(doc);
  if (wiring?.literal) doc.set('adminToken', `\${${wiring.variable}}`);
}

/** A container's `env` entry reading the variable from the Secret. */
export const k8sTokenEnv = (t: TokenWiring) => ({
  name: t.variable,
  valueFrom: { secretKeyRef: { name: TOKEN_SECRET, key: 'token', ...(t.optional ? { optional: true } : {}) } },
});
