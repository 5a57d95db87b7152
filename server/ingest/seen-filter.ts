/**
 * What the writer's exact memory of report ids forgot, kept approximately: the ids evicted from the exact
 * map go into Bloom filters, one "generation" after another. A filter never says "not seen" for an id it
 * holds, so an id it does not know needs no store look-up; an id it might know (its own ids and about
 * 1 % of the others) is looked up in the store, which stays the truth. Memory is bounded: when the last
 * generation is full the oldest is dropped, and the caller learns until when ids may now be forgotten
 * entirely (its look-up horizon moves there, as it did before for every eviction).
 *
 * 28 bits and 19 probes per id: a full generation answers "maybe" for ≈ 0.00015 % of unknown ids, four
 * full generations for ≈ 0.0006 % (with 20 bits and 14 probes, ≈ 0.03 %: after a restart beside 21 M stored
 * ids a third of the 3,300-id batches still paid a look-up of ≈ 80 ms, bench:ingest 2026-12-04 14:47). That matters more than memory: a batch of 8,000 new ids with even one
 * false "maybe" pays a store look-up (measured: 1.0 % of ids falsely "maybe" with 14 bits and eight
 * generations over 21 M preloaded ids cost a look-up on every batch, 130 ms each).
 */

const BITS_PER_ID = 28;
const PROBES = 19;

/** Two 32-bit hashes of a string in one pass (FNV-1a and a multiply-xorshift), each finished by murmur3's mix. */
function hashPair(id: string): [number, number] {
  let a = 0x811c9dc5;
  let b = 0x9747b28c;
  for (let i = 0; i < id.length; i++) {
    const c = id.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x5bd1e995);
    b ^= b >>> 15;
  }
  return [fmix(a), fmix(b) | 1];
}

function fmix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

class Bloom {
  private readonly bits: Uint32Array;
  private readonly m: number;
  count = 0;
  /** the newest arrival time (ms) of an id in this filter */
  newest = 0;

  constructor(readonly capacity: number) {
    this.m = Math.max(64, capacity * BITS_PER_ID);
    this.bits = new Uint32Array(Math.ceil(this.m / 32));
  }

  add(id: string, at: number): void {
    const [h1, h2] = hashPair(id);
    for (let i = 0; i < PROBES; i++) {
      const bit = ((h1 + Math.imul(i, h2)) >>> 0) % this.m;
      this.bits[bit >>> 5]! |= 1 << (bit & 31);
    }
    this.count++;
    if (at > this.newest) this.newest = at;
  }

  mightHave(h1: number, h2: number): boolean {
    for (let i = 0; i < PROBES; i++) {
      const bit = ((h1 + Math.imul(i, h2)) >>> 0) % this.m;
      if ((this.bits[bit >>> 5]! & (1 << (bit & 31))) === 0) return false;
    }
    return true;
  }

  get bytes(): number {
    return this.bits.byteLength;
  }
}

export class ForgottenIds {
  private generations: Bloom[] = [];
  private readonly perGeneration: number;

  /** `capacity` ids in all, spread over `generationCount` filters allocated as they are needed. */
  constructor(
    readonly capacity: number,
    private readonly generationCount = 4,
  ) {
    this.perGeneration = Math.max(1, Math.ceil(capacity / generationCount));
  }

  /**
   * Remembers an evicted id that arrived at `at` (ms). Returns the newest arrival of a generation dropped
   * to make room (ids up to then may now be stored without anyone in memory knowing), or undefined.
   */
  add(id: string, at: number): number | undefined {
    if (this.capacity === 0) return at;
    let cur = this.generations[this.generations.length - 1];
    let dropped: number | undefined;
    if (!cur || cur.count >= this.perGeneration) {
      if (this.generations.length >= this.generationCount) dropped = this.generations.shift()!.newest;
      cur = new Bloom(this.perGeneration);
      this.generations.push(cur);
    }
    cur.add(id, at);
    return dropped;
  }

  /** False: this id was never added (or only to generations dropped since). True: it may have been. */
  mightHave(id: string): boolean {
    if (this.generations.length === 0) return false;
    const [h1, h2] = hashPair(id);
    for (let i = this.generations.length - 1; i >= 0; i--) if (this.generations[i]!.mightHave(h1, h2)) return true;
    return false;
  }

  /** Drops the generations whose every id arrived before `before` (ms): they are past the look-up window. */
  expire(before: number): void {
    while (this.generations.length > 0 && this.generations[0]!.newest < before) this.generations.shift();
  }

  clear(): void {
    this.generations = [];
  }

  get size(): number {
    return this.generations.reduce((s, g) => s + g.count, 0);
  }

  get bytes(): number {
    return this.generations.reduce((s, g) => s + g.bytes, 0);
  }
}
