// How a file is cut up, the same on both sides (so block and section numbers agree): blocks of the
// session's block size; sections of at most min(8 x block size, 65536) blocks, the first `bigSections` of
// them one block longer than the rest. And which blocks have arrived, section by section.

const MAX_SECTION = 65536;

export class FileLayout {
  readonly blocks: number;
  readonly sections: number;
  readonly smallSection: number;
  readonly bigSection: number;
  readonly bigSections: number;
  /** Bytes in the last block (the others are full). */
  readonly lastBlockLength: number;

  constructor(readonly size: number, readonly blockSize: number) {
    if (size === 0) {
      this.blocks = this.sections = this.smallSection = this.bigSection = this.bigSections = this.lastBlockLength = 0;
      return;
    }
    const maxSection = Math.min(blockSize * 8, MAX_SECTION);
    this.blocks = Math.ceil(size / blockSize);
    this.sections = Math.ceil(this.blocks / maxSection);
    this.smallSection = Math.floor(this.blocks / this.sections);
    this.bigSection = this.smallSection + (this.blocks % this.sections === 0 ? 0 : 1);
    this.bigSections = this.blocks - this.smallSection * this.sections;
    this.lastBlockLength = size - (this.blocks - 1) * blockSize;
  }

  sectionStart(section: number): number {
    return section < this.bigSections
      ? section * this.bigSection
      : this.bigSections * this.bigSection + (section - this.bigSections) * this.smallSection;
  }

  sectionLength(section: number): number {
    return section < this.bigSections ? this.bigSection : this.smallSection;
  }

  /** The file's block number, or -1 when the section or block is past the file. */
  blockIndex(section: number, blockInSection: number): number {
    if (section >= this.sections || blockInSection >= this.sectionLength(section)) return -1;
    return this.sectionStart(section) + blockInSection;
  }

  blockLength(block: number): number {
    return block === this.blocks - 1 ? this.lastBlockLength : this.blockSize;
  }
}

/** The blocks of one file that have arrived, and a NAK bitmap per section of those that have not. */
export class Arrivals {
  readonly have: Uint8Array;
  private missing: number;
  /** Missing blocks per section, so a STATUS costs nothing for complete sections. */
  private readonly missingInSection: Uint32Array;

  constructor(readonly layout: FileLayout, have?: Uint8Array) {
    this.have = have && have.length === layout.blocks ? have : new Uint8Array(layout.blocks);
    this.missingInSection = new Uint32Array(layout.sections);
    this.missing = 0;
    for (let s = 0; s < layout.sections; s++) {
      const start = layout.sectionStart(s);
      let n = 0;
      for (let b = start; b < start + layout.sectionLength(s); b++) if (this.have[b] === 0) n++;
      this.missingInSection[s] = n;
      this.missing += n;
    }
  }

  get complete(): boolean {
    return this.missing === 0;
  }

  get missingCount(): number {
    return this.missing;
  }

  has(block: number): boolean {
    return this.have[block] !== 0;
  }

  /** Records a block; false when it was already there. */
  add(block: number, section: number): boolean {
    if (this.have[block] !== 0) return false;
    this.have[block] = 1;
    this.missing--;
    this.missingInSection[section]--;
    return true;
  }

  sectionMissing(section: number): number {
    return this.missingInSection[section];
  }

  /**
   * The STATUS bitmap of a section: bit i (from the low bit of byte i/8) set for a missing block i. As long
   * as the real client sends it: section length / 8 + 1 bytes.
   */
  nakBitmap(section: number): Uint8Array {
    const len = this.layout.sectionLength(section);
    const bits = new Uint8Array((len >> 3) + 1);
    const start = this.layout.sectionStart(section);
    for (let i = 0; i < len; i++) if (this.have[start + i] === 0) bits[i >> 3] |= 1 << (i & 7);
    return bits;
  }
}
