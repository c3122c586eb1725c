// Kubernetes manifests: per server a Deployment and a Service; one ConfigMap with models.yaml (hosts 0.0.0.0).
// The startup probe waits for the whole cold start, readiness means "serving", liveness never fails while loading.
import type { Config } from '../../common/config/types.js';
import { k8sTokenEnv, type TokenWiring } from './admin-token.js';
import { CONTAINER_ROOT, serverDeployments, startupProbeTiming, type ServerDeployment } from './deployment.js';

export interface K8sOptions {
  image: string;
  modelsVolume: string;
  cpu: string;
  memory: string;
  configYaml: string;
  /** `adminToken` in the config: every container that reads the config gets its variable from the Secret. */
  token?: TokenWiring;
}

const labels = (server: string) => ({ 'app.kubernetes.io/name': 'modelctl', 'app.kubernetes.io/component': server });

function probes(p: ServerDeployment) {
  const http = (path: string) => ({ httpGet: { path, port: 'http' } });
  return {
    startupProbe: { ...http(p.startupPath), ...startupProbeTiming(p.budgetSeconds), timeoutSeconds: 2 },
    readinessProbe: { ...http(p.readinessPath), periodSeconds: 5, failureThreshold: 2, timeoutSeconds: 2 },
    ...(p.liveness && {
      livenessProbe: {
        ...http(p.livenessPath),
        ...p.liveness,
      },
    }),
  };
}

function deployment(p: ServerDeployment, o: K8sOptions) {
  const mounts = [
    { name: 'config', mountPath: `${CONTAINER_ROOT}/models.yaml`, subPath: 'models.yaml', readOnly: true },
    { name: 'models', mountPath: `${CONTAINER_ROOT}/models` },
    { name: 'state', mountPath: `${CONTAINER_ROOT}/.modelctl` },
  ];
  const ours = p.builtin;
  const env = ours && o.token ? { env: [k8sTokenEnv(o.token)] } : {};
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: `modelctl-${p.name}`, labels: labels(p.name) },
    spec: {
      replicas: 1,
      selector: { matchLabels: labels(p.name) },
      template: {
        metadata: { labels: labels(p.name) },
        spec: {
          terminationGracePeriodSeconds: p.graceSeconds,
          ...(ours
            ? {
                // Obtain the model files before the server starts, so the startup probe times loading only.
                initContainers: [
                  {
                    name: 'pull',
                    image: o.image,
                    command: [
                      'node',
                      `${CONTAINER_ROOT}/app/bin/modelctl.js`,
                      'pull',
                      '-c',
                      `${CONTAINER_ROOT}/models.yaml`,
                    ],
                    ...env,
                    volumeMounts: mounts,
                  },
                ],
              }
            : {}),
          containers: [
            {
              name: p.name,
              image: o.image,
              command: p.command,
              workingDir: CONTAINER_ROOT,
              ports: [{ name: 'http', containerPort: p.port }],
              ...env,
              ...probes(p),
              resources: { requests: { cpu: o.cpu, memory: o.memory } },
              volumeMounts: mounts,
            },
          ],
          volumes: [
            { name: 'config', configMap: { name: 'modelctl-config' } },
            { name: 'models', persistentVolumeClaim: { claimName: o.modelsVolume } },
            { name: 'state', emptyDir: {} },
          ],
        },
      },
    },
  };
}

function service(p: ServerDeployment) {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: `modelctl-${p.name}`, labels: labels(p.name) },
    spec: { selector: labels(p.name), ports: [{ name: 'http', port: p.port, targetPort: 'http' }] },
  };
}

/** Every manifest, in a stable order: the ConfigMap, then per server (config order) its Deployment and Service. */
export function k8sManifests(config: Config, o: K8sOptions): { file: string; objects: object[] }[] {
  const configMap = {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'modelctl-config', labels: { 'app.kubernetes.io/name': 'modelctl' } },
    data: { 'models.yaml': o.configYaml },
  };
  return [
    { file: 'configmap.yaml', objects: [configMap] },
    ...serverDeployments(config).map((p) => ({ file: `${p.name}.yaml`, objects: [deployment(p, o), service(p)] })),
  ];
}
