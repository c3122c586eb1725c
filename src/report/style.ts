// Colour only on a TTY and never when NO_COLOR is set; everything that prints colour goes through here.
import { Chalk, type ChalkInstance } from 'chalk';

const wantsColor = (stream: NodeJS.WriteStream) =>
  Boolean(stream.isTTY) && !('NO_COLOR' in process.env) && process.env.TERM !== 'dumb';

export const paint = new Chalk({ level: wantsColor(process.stdout) ? 1 : 0 });
export const paintErr = new Chalk({ level: wantsColor(process.stderr) ? 1 : 0 });

const COLORS = ['cyan', 'magenta', 'yellow', 'green', 'blue'] as const;

/** A stable colour per server name. */
export function serverColor(paint: ChalkInstance, names: string[]) {
  return (name: string) =>
    paint[COLORS[Math.max(0, names.indexOf(name)) % COLORS.length]!](
      name.padEnd(Math.max(...names.map((n) => n.length))),
    );
}
