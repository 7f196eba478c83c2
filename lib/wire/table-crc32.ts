/**
 * The portable CRC-32 (IEEE 802.3, reflected, poly 0xEDB88320), slicing-by-8: eight 256-entry tables (8 KiB, built
 * on first use) let it take eight bytes per step. Over `data[start..end)`, so a caller checksums part of a frame
 * without making a view of it. On small inputs — a frame's 33-byte header, a short payload — it beats a native
 * call, whose fixed cost is about 40 ns (`crc32` picks between them by length).
 */
let tables: Int32Array | undefined;

function build(): Int32Array {
  const t = new Int32Array(8 * 256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c;
  }
  for (let n = 0; n < 256; n++) {
    let c = t[n]!;
    for (let k = 1; k < 8; k++) {
      c = t[c & 0xff]! ^ (c >>> 8);
      t[k * 256 + n] = c;
    }
  }
  return t;
}

export function tableCrc32(data: Uint8Array, previous = 0, start = 0, end = data.length): number {
  const t = (tables ??= build());
  let crc = ~previous;
  let i = start;
  for (const last8 = end - 8; i <= last8; i += 8) {
    crc ^= data[i]! | (data[i + 1]! << 8) | (data[i + 2]! << 16) | (data[i + 3]! << 24);
    crc =
      t[1792 + (crc & 0xff)]! ^
      t[1536 + ((crc >>> 8) & 0xff)]! ^
      t[1280 + ((crc >>> 16) & 0xff)]! ^
      t[1024 + (crc >>> 24)]! ^
      t[768 + data[i + 4]!]! ^
      t[512 + data[i + 5]!]! ^
      t[256 + data[i + 6]!]! ^
      t[data[i + 7]!]!;
  }
  for (; i < end; i++) crc = t[(crc ^ data[i]!) & 0xff]! ^ (crc >>> 8);
  return ~crc >>> 0;
}
