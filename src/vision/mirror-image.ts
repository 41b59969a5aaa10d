/** Left-right mirror of packed RGB pixels (3 bytes a pixel, rows top to bottom). */
export function mirrorRgb(rgb: Uint8Array, width: number, height: number): Uint8Array {
  const out = new Uint8Array(rgb.length);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      const s = (y * width + x) * 3,
        d = (y * width + (width - 1 - x)) * 3;
      out[d] = rgb[s];
      out[d + 1] = rgb[s + 1];
      out[d + 2] = rgb[s + 2];
    }
  return out;
}
