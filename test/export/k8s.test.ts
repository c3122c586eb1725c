import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { ConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { Service } from 'kubernetes-models/v1/Service';
import { describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { exported, matchGolden } from '../helpers/golden.js';

describe('export k8s', () => {
  it('matches its golden files, whatever the date (deterministic output)', () => {
    matchGolden('k8s');
  });

  it('validates against the Kubernetes schemas, with probes covering the budget', () => {
    const objects = exported('k8s').flatMap((f) => parseAllDocuments(f.text).map((d) => d.toJS()));
    expect(objects.map((o) => o.kind)).toEqual(['ConfigMap', 'Deployment', 'Service', 'Deployment', 'Service']);
    for (const o of objects) {
      const model =
        o.kind === 'Deployment' ? new Deployment(o) : o.kind === 'Service' ? new Service(o) : new ConfigMap(o);
      expect(() => model.validate()).not.toThrow();
    }
    for (const d of objects.filter((o) => o.kind === 'Deployment')) {
      const c = d.spec.template.spec.containers[0];
      expect(c.startupProbe.httpGet.path).toBe('/health');
      expect(c.startupProbe.failureThreshold * c.startupProbe.periodSeconds).toBeGreaterThanOrEqual(120);
      expect(c.readinessProbe.httpGet.path).toBe('/health?ready=any');
      expect(c.livenessProbe.httpGet.path).toBe('/livez');
      expect(c.resources.requests).toEqual({ cpu: '1', memory: '2Gi' });
      expect(d.spec.template.spec.terminationGracePeriodSeconds).toBe(5);
    }
    const mounted = parse(objects[0].data['models.yaml']);
    expect(Object.values(mounted.servers).map((s) => (s as { host: string }).host)).toEqual(['0.0.0.0', '0.0.0.0']);
  });
});
