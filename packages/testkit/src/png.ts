// Measuring a chart as a reader sees it: the bars in the decoded PNG, by the chart's bar colour.
import { BAR_COLOUR } from '@vigil/charts';
import { decode } from 'fast-png';

/** The length of each horizontal bar, top to bottom, measured along its centre line in the decoded PNG. */
export function barLengths(png: Buffer): number[] {
  const image = decode(png);
  const [r, g, b] = [1, 3, 5].map((i) => Number.parseInt(BAR_COLOUR.slice(i, i + 2), 16));
  const isBar = (x: number, y: number) => {
    const i = (y * image.width + x) * image.channels;
    return image.data[i] === r && image.data[i + 1] === g && image.data[i + 2] === b;
  };
  const rowHasBar = Array.from({ length: image.height }, (_, y) => Array.from({ length: image.width }, (_, x) => x).some((x) => isBar(x, y)));
  const lengths: number[] = [];
  for (let y = 0; y < image.height; y++) {
    if (!rowHasBar[y] || (y > 0 && rowHasBar[y - 1])) continue;
    let bottom = y;
    while (bottom + 1 < image.height && rowHasBar[bottom + 1]) bottom += 1;
    const centre = Math.floor((y + bottom) / 2);
    const start = Array.from({ length: image.width }, (_, x) => x).find((x) => isBar(x, centre)) ?? 0;
    let end = start;
    while (end < image.width && isBar(end, centre)) end += 1;
    lengths.push(end - start);
  }
  return lengths;
}
