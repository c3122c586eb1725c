// Runs a foreign server command for the supervisor and makes sure it dies with us: Node cannot set PR_SET_PDEATHSIG,
// so this small process holds the IPC channel, and when the supervisor goes (even by SIGKILL) it stops the command.
// Usage: node guard.js <graceMs> -- <command> [args...]
import { spawn } from 'node:child_process';
import { constants } from 'node:os';
import type { GuardMessage } from '../../common/protocol.js';

const [graceText, dashes, command, ...args] = process.argv.slice(2);
if (dashes !== '--' || !command) {
  console.error('usage: guard.js <graceMs> -- <command> [args...]');
  process.exit(2);
}
const grace = Number(graceText);
const child = spawn(command, args, { stdio: ['ignore', 'inherit', 'inherit'] });
child.once('spawn', () => {
  const started: GuardMessage = { type: 'child', pid: child.pid! };
  process.send?.(started);
});
child.once('error', (err) => {
  console.error(`cannot start ${command}: ${err.message}`);
  process.exit(127);
});
// Exit as the command did; a signal becomes 128 + its number, as a shell reports it.
child.once('exit', (code, signal) => process.exit(code ?? 128 + (signal ? constants.signals[signal] : 0)));

const stop = (signal: NodeJS.Signals) => {
  child.kill(signal);
  setTimeout(() => child.kill('SIGKILL'), grace).unref();
};
process.on('SIGTERM', () => stop('SIGTERM'));
process.on('SIGINT', () => stop('SIGINT'));
process.on('disconnect', () => stop('SIGTERM'));
