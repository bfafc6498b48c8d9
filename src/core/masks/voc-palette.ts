/**
 * The Pascal VOC colour map: entry i spreads the bits of i over the colour channels from the most
 * significant bit down (bit 0 -> red, 1 -> green, 2 -> blue, bit 3 -> the next lower red bit, ...).
 * 0 is black, 1 (128,0,0), 2 (0,128,0), ..., 255 (224,224,192): the colour VOC gives its "void"
 * (ignore) boundary class. The map is a bijection, so a colour names its index.
 */
export type Rgb = [number, number, number];

function vocColour(i: number): Rgb {
  let r = 0;
  let g = 0;
  let b = 0;
  let c = i;
  for (let shift = 7; shift >= 0 && c; shift--) {
    r |= (c & 1) << shift;
    g |= ((c >> 1) & 1) << shift;
    b |= ((c >> 2) & 1) << shift;
    c >>= 3;
  }
  return [r, g, b];
}

/** The 256 VOC colours. */
export const VOC_PALETTE: readonly Rgb[] = Object.freeze(Array.from({ length: 256 }, (_, i) => vocColour(i)));

/** The palette as PLTE bytes: r, g, b per entry. */
export function paletteBytes(palette: readonly Rgb[] = VOC_PALETTE): Uint8Array {
  const out = new Uint8Array(palette.length * 3);
  palette.forEach(([r, g, b], i) => out.set([r, g, b], i * 3));
  return out;
}

let reverse: Map<number, number> | undefined;

/** The VOC index of a colour, or undefined for a colour not in the map. */
export function vocIndexOf(r: number, g: number, b: number): number | undefined {
  if (!reverse) {
    reverse = new Map();
    VOC_PALETTE.forEach(([pr, pg, pb], i) => reverse!.set((pr << 16) | (pg << 8) | pb, i));
  }
  return reverse.get((r << 16) | (g << 8) | b);
}
