import { decode } from 'fast-png';
import { BAR_COLOUR } from '../../src/index.ts';

/** A decoded PNG as RGBA rows, with the bar colour's position finder. */
export interface Pixels {
  width: number;
  height: number;
  /** True where the pixel is exactly the chart's bar colour (opaque). */
  isBar(x: number, y: number): boolean;
}

const [R, G, B] = [1, 3, 5].map((i) => Number.parseInt(BAR_COLOUR.slice(i, i + 2), 16));

export function pixels(png: Buffer): Pixels {
  const image = decode(png);
  const channels = image.channels;
  const data = image.data;
  return {
    width: image.width,
    height: image.height,
    isBar(x, y) {
      const i = (y * image.width + x) * channels;
      return data[i] === R && data[i + 1] === G && data[i + 2] === B && (channels < 4 || data[i + 3] === 255);
    },
  };
}

/** Runs of consecutive indexes in `0..count` where `hit` is true, as [start, end) pairs. */
export function runs(count: number, hit: (i: number) => boolean): [number, number][] {
  const out: [number, number][] = [];
  let start = -1;
  for (let i = 0; i <= count; i++) {
    const on = i < count && hit(i);
    if (on && start < 0) start = i;
    if (!on && start >= 0) {
      out.push([start, i]);
      start = -1;
    }
  }
  return out;
}

/**
 * The bars of a horizontal bar chart, top to bottom: each band of rows holding the bar colour, and
 * the length of the bar-coloured run on the band's centre line.
 */
export function horizontalBars(p: Pixels): { centre: number; x: number; length: number }[] {
  const bands = runs(p.height, (y) => Array.from({ length: p.width }, (_, x) => x).some((x) => p.isBar(x, y)));
  return bands.map(([top, bottom]) => {
    const centre = Math.floor((top + bottom) / 2);
    const [run] = runs(p.width, (x) => p.isBar(x, centre));
    if (run === undefined) throw new Error(`no bar on row ${centre}`);
    return { centre, x: run[0], length: run[1] - run[0] };
  });
}

/** True when any pixel has the bar colour. */
export function anyBar(p: Pixels): boolean {
  for (let y = 0; y < p.height; y++) for (let x = 0; x < p.width; x++) if (p.isBar(x, y)) return true;
  return false;
}
