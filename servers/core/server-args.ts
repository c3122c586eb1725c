// A built-in server's command line: `--config FILE --server NAME [--warmup]`, and its section of the config.
import { parseArgs } from 'node:util';
import { loadConfig } from '../../common/config/load.js';
import { DEFAULT_CONFIG_FILE, isBuiltin, type BuiltinServerConfig, type Config } from '../../common/config/types.js';
import { messageOf } from '../../common/errors.js';
import type { BuiltinKind } from '../../common/protocol.js';

export interface ServerArgs {
  config: Config;
  server: BuiltinServerConfig;
  /** `up --warmup`: warm every model whatever the config says. */
  forceWarmup: boolean;
}

/** Reads the arguments and the server's section; exits 2 with the reason when they are wrong. */
export function readServerArgs(kind: BuiltinKind): ServerArgs {
  try {
    const { values } = parseArgs({
      options: {
        config: { type: 'string', default: DEFAULT_CONFIG_FILE },
        server: { type: 'string' },
        warmup: { type: 'boolean' },
      },
    });
    const config = loadConfig(values.config);
    const name = values.server ?? config.servers.find((x) => x.kind === kind)?.name;
    const server = config.servers.find((s) => s.name === name);
    if (!server) {
      const names = config.servers.map((s) => s.name).join(', ');
      throw new Error(`${values.config}: no server named "${values.server}"; it has ${names}`);
    }
    if (!isBuiltin(server) || server.kind !== kind) {
      throw new Error(`server "${server.name}" is of kind ${server.kind}, not ${kind}`);
    }
    return { config, server, forceWarmup: Boolean(values.warmup) };
  } catch (err) {
    console.error(`error: ${messageOf(err)}`);
    process.exit(2);
  }
}
