/**
 * Watches a byte stream of frames (`length:u32 BE | flag:u8 | …`, docs/architecture.md, Wire format) and counts those with the LZ4 flag
 * (1), whatever the chunking — so a test can tell whether a client compressed what it sent. Holds no frame bytes:
 * only the position within the current frame.
 */
export class FrameFlags {
  /** Frames seen with flag 1 (LZ4). */
  compressed = 0;
  private prefix = 0;
  private prefixFill = 0;
  /** Bytes of the current frame's body still to skip (the flag byte included); 0 between frames. */
  private left = 0;
  private atFlag = false;

  push(chunk: Uint8Array): void {
    let i = 0;
    while (i < chunk.length) {
      if (this.left === 0) {
        this.prefix = (this.prefix * 256 + chunk[i++]!) >>> 0;
        if (++this.prefixFill < 4) continue;
        this.left = this.prefix;
        this.prefix = 0;
        this.prefixFill = 0;
        this.atFlag = this.left > 0;
        continue;
      }
      if (this.atFlag) {
        if (chunk[i] === 1) this.compressed++;
        this.atFlag = false;
      }
      const skip = Math.min(this.left, chunk.length - i);
      this.left -= skip;
      i += skip;
    }
  }
}
