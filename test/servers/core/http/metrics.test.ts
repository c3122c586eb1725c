import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { registerMetrics } from '../../../../servers/core/http/metrics.js';
import { readyModels } from '../../../helpers/models.js';

describe('/metrics', () => {
  it('drops every series of a model removed from the server, its state included', async () => {
    const models = readyModels('chat', 'code');
    const app = Fastify();
    registerMetrics(app, 'llm', models, () => undefined, { ok: 0, failed: 0 });
    const scrape = async () => (await app.inject('/metrics')).body;
    expect(await scrape()).toContain('model_state{server="llm",model="code",state="ready"} 1');
    models.delete('code');
    const text = await scrape();
    expect(text).not.toContain('model="code"');
    expect(text).toContain('model_state{server="llm",model="chat",state="ready"} 1');
    await app.close();
  });
});
