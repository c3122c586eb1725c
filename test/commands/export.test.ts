import { describe, expect, it } from 'vitest';
import { exportFiles } from '../../src/commands/export.js';
import { shippedConfig as config } from '../helpers/golden.js';

describe('modelctl export', () => {
  it('takes image and resources from flags', () => {
    const [, llm] = exportFiles('k8s', config, {
      config: 'models.yaml',
      image: 'registry.example/modelctl:1.2',
      memory: '8Gi',
    });
    expect(llm!.text).toContain('image: registry.example/modelctl:1.2');
    expect(llm!.text).toContain('memory: 8Gi');
  });
});
