// Colour only on a TTY and never when NO_COLOR is set; everything that prints colour goes through here.
import { Chalk } from 'chalk';

const wantsColor = (stream: NodeJS.WriteStream) =>
  Boolean(stream.isTTY) && !('NO_COLOR' in process.env) && process.env.TERM !== 'dumb';

export const paint = new Chalk({ level: wantsColor(process.stdout) ? 1 : 0 });
export const paintErr = new Chalk({ level: wantsColor(process.stderr) ? 1 : 0 });
