// The floor for the LLM server: what the engine itself needs to load the models, and nothing else. Run as its own
// process: `node dist/bench/floor/bare-llm.js <threads> <contextSize> <parallel> model.gguf...`; prints its phases as
// JSON (ms since the process started: our code running, the runtime imported and started, each load + context, done).
const codeAt = performance.now();
const [threads, contextSize, parallel, ...files] = process.argv.slice(2);
const { getLlama, LlamaLogLevel } = await import('node-llama-cpp');
const llama = await getLlama({
  gpu: false,
  build: 'never',
  logLevel: LlamaLogLevel.error,
  maxThreads: Number(threads),
});
const runtimeAt = performance.now();
const loads: number[] = [];
for (const file of files) {
  const model = await llama.loadModel({ modelPath: file, useMmap: false });
  await model.createContext({
    contextSize: Math.min(Number(contextSize), model.trainContextSize),
    sequences: Number(parallel),
    threads: Number(threads),
  });
  loads.push(performance.now());
}
console.log(JSON.stringify({ codeAt, runtimeAt, loads, doneAt: performance.now() }));
process.exit(0);
