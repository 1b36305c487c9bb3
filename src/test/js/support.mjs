// Helpers shared by the JavaScript tests: paths, golden files and a seeded random generator.
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (this file is src/test/js/support.mjs). */
export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

/** The module of webapp/js with this name, for import(). */
export function webappModule(name) {
  return new URL('../../../webapp/js/' + name, import.meta.url).href;
}

export function readJson(relative) {
  return JSON.parse(readFileSync(resolve(repoRoot, relative), 'utf8'));
}

/**
 * A small seeded generator (mulberry32), so a failing randomized test can be replayed: every failure message names
 * the seed. COEDIT_SEED=n replays one run.
 */
export function random(seed) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (n) => Math.floor(next() * n),
    pick: (list) => list[Math.floor(next() * list.length)],
  };
}

/** Seeds for a randomized test: COEDIT_SEED alone, or `count` seeds from a fixed start. */
export function seeds(count) {
  const fixed = process.env.COEDIT_SEED;
  if (fixed) {
    return [Number(fixed)];
  }
  return Array.from({ length: count }, (_, i) => 1000 + i);
}

/** Text made of pieces that stress code-point handling: ASCII, Korean, emoji, combining marks, ZWJ sequences. */
const ALPHABET = ['a', 'b', 'c', ' ', '\n', '한', '글', '😀', '🇰', 'e\u0301', '👩\u200d💻', '"', '\\'];

export function randomText(rnd, max) {
  let s = '';
  const n = rnd.int(max + 1);
  for (let i = 0; i < n; i++) {
    s += rnd.pick(ALPHABET);
  }
  return s;
}
