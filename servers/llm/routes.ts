// OpenAI-compatible routes over the loaded GGUF models: /v1/completions and /v1/chat/completions (JSON or SSE).
import { randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ChatHistoryItem } from 'node-llama-cpp';
import { z } from 'zod';
import { messageOf } from '../../common/errors.js';
import { parseBody } from '../core/http/http-error.js';
import type { ModelHost } from '../core/http/model-host.js';
import type { LlmHandle } from './handle.js';

const sampling = {
  model: z.string().min(1),
  max_tokens: z.number().int().min(1).max(8192).optional(),
  temperature: z.number().min(0).max(2).optional(),
  top_p: z.number().gt(0).max(1).optional(),
  seed: z.number().int().optional(),
  stop: z.union([z.string(), z.array(z.string()).max(4)]).optional(),
  stream: z.boolean().optional(),
  n: z.literal(1).optional(),
};
const completionBody = z.object({ ...sampling, prompt: z.union([z.string(), z.array(z.string()).length(1)]) });
const content = z.union([z.string(), z.array(z.object({ type: z.literal('text'), text: z.string() }))]);
const chatBody = z.object({
  ...sampling,
  max_completion_tokens: z.number().int().min(1).max(8192).optional(),
  messages: z.array(z.object({ role: z.enum(['system', 'developer', 'user', 'assistant']), content })).min(1),
});

type Sampling = z.infer<typeof completionBody> | z.infer<typeof chatBody>;
type Input = { kind: 'completion'; prompt: string } | { kind: 'chat'; history: ChatHistoryItem[] };

const textOf = (c: z.infer<typeof content>) => (typeof c === 'string' ? c : c.map((p) => p.text).join(''));

function toHistory(messages: z.infer<typeof chatBody>['messages']): ChatHistoryItem[] {
  const history: ChatHistoryItem[] = messages.map((m): ChatHistoryItem => {
    if (m.role === 'assistant') return { type: 'model', response: [textOf(m.content)] };
    return m.role === 'user' ? { type: 'user', text: textOf(m.content) } : { type: 'system', text: textOf(m.content) };
  });
  return [...history, { type: 'model', response: [] }];
}

/** Runs one generation on a borrowed sequence, which is cleared and returned whatever happens. */
async function generate(
  h: LlmHandle,
  input: Input,
  body: Sampling,
  maxTokens: number,
  onTextChunk: (t: string) => void,
  signal: AbortSignal,
) {
  const { LlamaChat, LlamaCompletion } = await import('node-llama-cpp');
  return h.sequences.use(async (sequence) => {
    const options = {
      maxTokens,
      onTextChunk,
      signal,
      stopOnAbortSignal: true,
      temperature: body.temperature ?? 0,
      topP: body.top_p,
      seed: body.seed,
      customStopTriggers: body.stop === undefined ? undefined : [body.stop].flat(),
    };
    try {
      if (input.kind === 'completion') {
        const completion = new LlamaCompletion({ contextSequence: sequence });
        const r = await completion.generateCompletionWithMeta(input.prompt, options);
        completion.dispose({ disposeSequence: false });
        return { text: r.response, stopReason: r.metadata.stopReason };
      }
      const chat = new LlamaChat({ contextSequence: sequence });
      const r = await chat.generateResponse(input.history, options);
      chat.dispose({ disposeSequence: false });
      return { text: r.response, stopReason: r.metadata.stopReason };
    } finally {
      await sequence.clearHistory();
    }
  });
}

function usage(h: LlmHandle, promptText: string, completion: string) {
  const prompt_tokens = h.model.tokenize(promptText).length;
  const completion_tokens = h.model.tokenize(completion).length;
  return { prompt_tokens, completion_tokens, total_tokens: prompt_tokens + completion_tokens };
}

/** Serves one request either as one JSON body or as server-sent events, from the same generation. */
async function respond(
  req: FastifyRequest,
  reply: FastifyReply,
  host: ModelHost<LlmHandle>,
  body: Sampling,
  input: Input,
  promptText: string,
) {
  const lease = host.lease(body.model, req);
  const handle = lease.handle;
  const chat = input.kind === 'chat';
  const id = `${chat ? 'chatcmpl' : 'cmpl'}-${randomUUID()}`;
  const created = Math.floor(Date.now() / 1000);
  const object = chat ? 'chat.completion' : 'text_completion';
  const maxTokens =
    body.max_tokens ?? ('max_completion_tokens' in body ? body.max_completion_tokens : undefined) ?? (chat ? 256 : 16);
  const abort = new AbortController();
  reply.raw.on('close', () => abort.abort());
  const choice = (text: string, finish: string | null, stream: boolean) =>
    chat
      ? {
          index: 0,
          [stream ? 'delta' : 'message']: { role: 'assistant', content: text },
          finish_reason: finish,
          logprobs: null,
        }
      : { index: 0, text, finish_reason: finish, logprobs: null };

  if (!body.stream) {
    const r = await lease.run((timeout) =>
      generate(handle, input, body, maxTokens, () => {}, AbortSignal.any([abort.signal, timeout])),
    );
    const finish = r.stopReason === 'maxTokens' ? 'length' : 'stop';
    return reply.send({
      id,
      object,
      created,
      model: body.model,
      choices: [choice(r.text, finish, false)],
      usage: usage(handle, promptText, r.text),
    });
  }
  reply.hijack();
  reply.raw.writeHead(200, {
    'content-type': 'text/event-stream',
    'cache-control': 'no-cache',
    connection: 'keep-alive',
  });
  const send = (data: unknown) => reply.raw.write(`data: ${JSON.stringify(data)}\n\n`);
  const chunkObject = chat ? 'chat.completion.chunk' : 'text_completion';
  try {
    const onText = (text: string) =>
      send({ id, object: chunkObject, created, model: body.model, choices: [choice(text, null, true)] });
    const r = await lease.run((timeout) =>
      generate(handle, input, body, maxTokens, onText, AbortSignal.any([abort.signal, timeout])),
    );
    const finish = r.stopReason === 'maxTokens' ? 'length' : 'stop';
    send({ id, object: chunkObject, created, model: body.model, choices: [choice('', finish, true)] });
    reply.raw.end('data: [DONE]\n\n');
  } catch (err) {
    send({ error: { message: messageOf(err), type: 'server_error' } });
    reply.raw.end();
  }
}

export function registerLlmRoutes(app: FastifyInstance, host: ModelHost<LlmHandle>): void {
  app.post('/v1/completions', async (req, reply) => {
    const body = parseBody(completionBody, req.body);
    const prompt = [body.prompt].flat()[0]!;
    return respond(req, reply, host, body, { kind: 'completion', prompt }, prompt);
  });
  app.post('/v1/chat/completions', async (req, reply) => {
    const body = parseBody(chatBody, req.body);
    const promptText = body.messages.map((m) => textOf(m.content)).join('\n');
    return respond(req, reply, host, body, { kind: 'chat', history: toHistory(body.messages) }, promptText);
  });
}
