// Before anything starts (or a reload moves a server): every configured port must be free, or we fail with that reason
// instead of measuring someone else's server.
import { createServer } from 'node:net';
import type { Config } from '../../common/config/types.js';
import { PortInUseError } from '../../common/errors.js';

export function portIsFree(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.once('error', (err: NodeJS.ErrnoException) => resolve(err.code !== 'EADDRINUSE'));
    srv.listen({ host, port, exclusive: true }, () => srv.close(() => resolve(true)));
  });
}

export async function assertPortsFree(config: Config): Promise<void> {
  const taken = await Promise.all(
    config.servers.map(async (s) => ((await portIsFree(s.host, s.port)) ? undefined : s)),
  );
  const first = taken.find((s) => s !== undefined);
  if (first) throw new PortInUseError(first.name, first.host, first.port);
}
