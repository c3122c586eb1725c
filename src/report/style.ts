// Colour only on a terminal that shows it and never when NO_COLOR is set; everything that prints colour goes through
// here, and views that redraw in place ask here whether they may.
import { Chalk, type ChalkInstance } from 'chalk';

/** A terminal that takes escape codes (colour, moving the cursor): a TTY, unless TERM=dumb says it takes none. */
export const canRedraw = (stream: NodeJS.WriteStream): boolean => Boolean(stream.isTTY) && process.env.TERM !== 'dumb';

/** NO_COLOR counts when it is set to something; set but empty, it does not (no-color.org). */
const wantsColor = (stream: NodeJS.WriteStream) => canRedraw(stream) && !process.env.NO_COLOR;

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
