import { createRequire } from 'node:module';
import { Resvg } from '@resvg/resvg-js';

/** The font every chart names (`font-family`); the only one resvg is given. */
export const FONT_FAMILY = 'DejaVu Sans';

let fontFiles: string[] | undefined;

/**
 * DejaVu Sans and DejaVu Sans Bold from the `dejavu-fonts-ttf` package, resolved once. System fonts
 * are never loaded, so a chart renders the same pixels on a developer's laptop, in CI and in a bare
 * container without fontconfig.
 */
function fonts(): string[] {
  fontFiles ??= ['DejaVuSans.ttf', 'DejaVuSans-Bold.ttf'].map((file) => createRequire(import.meta.url).resolve(`dejavu-fonts-ttf/ttf/${file}`));
  return fontFiles;
}

/**
 * A chart's SVG as PNG, at the SVG's own size, on white (a transparent image turns unreadable in a
 * mail client's dark mode). The SVG is Vigil's own: it references no file, URL or system font.
 */
export function svgToPng(svg: string): Buffer {
  const resvg = new Resvg(svg, {
    font: { loadSystemFonts: false, fontFiles: fonts(), defaultFontFamily: FONT_FAMILY, sansSerifFamily: FONT_FAMILY },
    fitTo: { mode: 'original' },
    background: '#ffffff',
    logLevel: 'off',
  });
  return resvg.render().asPng();
}
