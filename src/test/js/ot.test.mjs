// The text-unicode type in the browser (webapp/js/ot.js): the 46 public transform vectors, the golden cases shared
// with the Java tests, and seeded randomized laws.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { readJson, random, randomText, repoRoot, seeds, webappModule } from './support.mjs';

const ot = await import(webappModule('ot.js'));

/** A random op that fits doc (code points), inserting random text; deletes carry their text half of the time. */
function randomOp(rnd, doc) {
  const b = ot.builder();
  let i = 0;
  const cps = [...doc];
  while (i < cps.length || rnd.next() < 0.3) {
    const r = rnd.next();
    if (r < 0.3 && i < cps.length) {
      const n = 1 + rnd.int(Math.min(4, cps.length - i));
      b.skip(n);
      i += n;
    } else if (r < 0.6) {
      const s = randomText(rnd, 3);
      if (s) {
        b.insert(s);
      }
      if (i >= cps.length) {
        break;
      }
    } else if (i < cps.length) {
      const n = 1 + rnd.int(Math.min(3, cps.length - i));
      const text = cps.slice(i, i + n).join('');
      b.delete(rnd.next() < 0.5 ? text : n);
      i += n;
    } else {
      break;
    }
  }
  return b.build();
}

describe('the public text-unicode transform vectors', () => {
  const file = process.env.COEDIT_VECTORS
    ?? resolve(repoRoot, '../shared/ot-vectors/text-transform-tests.txt');

  /** One op in the vectors' old spelling: N skips, {"i": s} inserts, {"d": s} deletes s. */
  function parse(line) {
    const b = ot.builder();
    for (const c of JSON.parse(line)) {
      if (typeof c === 'number') {
        b.skip(c);
      } else if ('i' in c) {
        b.insert(c.i);
      } else {
        b.delete(c.d);
      }
    }
    return b.build();
  }

  test('the vector file is there and holds 46 cases', () => {
    assert.ok(existsSync(file), `the transform vectors are missing: expected them at ${file} `
        + '(shared/ beside the checkout), or set COEDIT_VECTORS');
    const lines = readFileSync(file, 'utf8').split('\n').map((l) => l.trim()).filter((l) => l);
    assert.equal(lines.length, 46 * 4);
  });

  if (existsSync(file)) {
    const lines = readFileSync(file, 'utf8').split('\n').map((l) => l.trim()).filter((l) => l);
    for (let i = 0; i + 3 < lines.length; i += 4) {
      const [op, other, side, expected] = [parse(lines[i]), parse(lines[i + 1]), lines[i + 2], parse(lines[i + 3])];
      test(`#${i / 4 + 1}: ${lines[i]} transformed by ${lines[i + 1]} on the ${side} gives ${lines[i + 3]}`, () => {
        const actual = ot.transform(op, other, side);
        assert.deepEqual(ot.withoutDeletedText(actual), ot.withoutDeletedText(expected), 'ignoring deleted text');
        assert.deepEqual(actual, expected, 'with deleted text');
      });
    }
  }
});

describe('the golden cases shared with the Java tests', () => {
  const golden = readJson('src/test/resources/golden/ot-cases.json');

  function expectOutcome(c, run) {
    if ('error' in c) {
      assert.throws(run, (e) => e instanceof ot.InvalidOpError && e.message === c.error,
          `expected the error ${JSON.stringify(c.error)}`);
    } else {
      assert.deepEqual(run(), c.result);
    }
  }

  test('every section has cases', () => {
    for (const section of ['apply', 'normalize', 'compose', 'transform', 'transformPosition']) {
      assert.ok(golden[section]?.length > 0, section);
    }
  });

  for (const c of golden.apply) {
    test(`apply: ${c.name}`, () => expectOutcome(c, () => ot.apply(c.doc, ot.normalize(c.op))));
  }
  for (const c of golden.normalize) {
    test(`normalize: ${c.name}`, () => expectOutcome(c, () => ot.normalize(c.op)));
  }
  for (const c of golden.compose) {
    test(`compose: ${c.name}`, () => {
      const [a, b] = [ot.normalize(c.a), ot.normalize(c.b)];
      const composed = ot.compose(a, b);
      assert.deepEqual(composed, c.result);
      assert.equal(ot.apply(c.doc, composed), ot.apply(ot.apply(c.doc, a), b), 'compose law on the case\'s doc');
    });
  }
  for (const c of golden.transform) {
    test(`transform: ${c.name}`, () => {
      const [op, other] = [ot.normalize(c.op), ot.normalize(c.other)];
      assert.deepEqual(ot.transform(op, other, c.side), c.result);
      const otherSide = c.side === ot.LEFT ? ot.RIGHT : ot.LEFT;
      assert.equal(ot.apply(ot.apply(c.doc, other), ot.transform(op, other, c.side)),
          ot.apply(ot.apply(c.doc, op), ot.transform(other, op, otherSide)), 'both sides converge');
    });
  }
  for (const c of golden.transformPosition) {
    test(`transformPosition: ${c.name}`, () => {
      assert.equal(ot.transformPosition(c.position, ot.normalize(c.op)), c.result);
    });
  }
});

describe('laws, on seeded random ops over text with emoji, Korean and combining marks', () => {
  for (const seed of seeds(300)) {
    const rnd = random(seed);
    const doc = randomText(rnd, 12);
    const a = randomOp(rnd, doc);
    const b = randomOp(rnd, doc);
    const c = randomOp(rnd, ot.apply(doc, a));
    const where = `seed ${seed}: doc ${JSON.stringify(doc)}, a ${JSON.stringify(a)}, b ${JSON.stringify(b)}, `
        + `c ${JSON.stringify(c)}`;

    test(`seed ${seed}`, () => {
      // apply/compose: composing then applying is applying one after the other.
      assert.equal(ot.apply(doc, ot.compose(a, c)), ot.apply(ot.apply(doc, a), c), 'compose law; ' + where);
      // TP1: both orders converge.
      const left = ot.apply(ot.apply(doc, b), ot.transform(a, b, ot.LEFT));
      const right = ot.apply(ot.apply(doc, a), ot.transform(b, a, ot.RIGHT));
      assert.equal(left, right, 'transform convergence; ' + where);
      // normalize is idempotent and the builder's output is normalized.
      assert.deepEqual(ot.normalize(a), a, 'normalized; ' + where);
      // split: the parts compose to the whole, each fits its budget.
      const [head, tail] = ot.split(a, 64);
      assert.ok(ot.jsonBytes(head) <= 64, 'head fits; ' + where);
      assert.equal(ot.apply(ot.apply(doc, head), tail), ot.apply(doc, a), 'split law; ' + where);
      // A caret moves with the text: a caret at the end of the doc stays at the end after a delete-free op.
      const pos = rnd.int([...doc].length + 1);
      const moved = ot.transformPosition(pos, a);
      assert.ok(moved >= 0 && moved <= [...ot.apply(doc, a)].length, 'position stays in the doc; ' + where);
      // diff turns one text into the other.
      assert.equal(ot.apply(doc, ot.diff(doc, ot.apply(doc, a))), ot.apply(doc, a), 'diff law; ' + where);
    });
  }
});

describe('code points and UTF-16', () => {
  const text = 'a😀한e\u0301👩\u200d💻z';

  test('lengths count code points: an emoji is 1, a combining mark is 1, a ZWJ sequence is 3', () => {
    assert.equal(ot.cpLength(text), 9);
    assert.equal(text.length, 12);
  });

  test('code point offsets convert to UTF-16 and back', () => {
    const expected = [0, 1, 3, 4, 5, 6, 8, 9, 11, 12];
    for (let cp = 0; cp <= 9; cp++) {
      assert.equal(ot.cpToUtf16(text, cp), expected[cp], `cp ${cp}`);
      assert.equal(ot.utf16ToCp(text, expected[cp]), cp, `utf16 ${expected[cp]}`);
    }
    assert.equal(ot.cpToUtf16(text, 99), text.length, 'past the end is the end');
  });

  test('an index between the halves of a pair is told apart', () => {
    assert.equal(ot.splitsPair(text, 2), true);
    assert.equal(ot.splitsPair(text, 3), false);
    assert.equal(ot.splitsPair('ab', 1), false);
  });

  test('an unpaired surrogate is found at its char index', () => {
    assert.equal(ot.firstUnpairedSurrogate('ok😀'), -1);
    assert.equal(ot.firstUnpairedSurrogate('ab\ud83d'), 2);
    assert.equal(ot.firstUnpairedSurrogate('\ude00'), 0);
  });

  test('JSON sizes are counted as UTF-8 bytes with escapes', () => {
    for (const s of ['abc', '한', '😀', 'e\u0301', '"\\\n', '\u0001', text]) {
      assert.equal(ot.jsonStringBytes(s), Buffer.byteLength(JSON.stringify(s)), JSON.stringify(s));
    }
    const op = [3, 'x😀', { d: 12 }, 'y', { d: 'abc' }];
    assert.equal(ot.jsonBytes(op), Buffer.byteLength(JSON.stringify(op)));
    assert.equal(ot.jsonBytes([]), 2);
  });
});

describe('splitting a large op for the 64 KiB message limit', () => {
  test('a paste of 100,000 characters is cut into parts under the budget that compose to the paste', () => {
    const paste = ('Lorem ipsum 한국어 😀 "quoted"\n').repeat(4000).slice(0, 100_000);
    const doc = 'before|after';
    const op = ot.builder().skip(7).delete(5).insert(paste).build();
    let rest = op;
    let text = doc;
    let parts = 0;
    while (rest.length > 0) {
      const [head, tail] = ot.split(rest, 60_000);
      assert.ok(Buffer.byteLength(JSON.stringify(head)) <= 60_000, `part ${parts} fits`);
      text = ot.apply(text, head);
      rest = tail;
      parts++;
      assert.ok(parts < 10, 'ends');
    }
    assert.ok(parts > 1, 'was cut');
    assert.equal(text, ot.apply(doc, op));
  });

  test('an op that fits is sent whole, with deletes as counts', () => {
    assert.deepEqual(ot.split([2, { d: 'abc' }, 'x'], 1000), [[2, { d: 3 }, 'x'], []]);
  });

  test('a cut never falls inside a surrogate pair', () => {
    const op = ['😀'.repeat(100)];
    const [head, tail] = ot.split(op, 101);
    assert.equal(ot.firstUnpairedSurrogate(head[0]), -1);
    assert.equal(ot.firstUnpairedSurrogate(tail[1]), -1);
    assert.equal(head[0] + tail[1], op[0]);
  });
});

describe('rejections name the numbers', () => {
  test('a negative position', () => {
    assert.throws(() => ot.transformPosition(-1, []), { message: 'position -1 is negative; offsets must be at least 0' });
  });

  test('an op that is not an array', () => {
    assert.throws(() => ot.normalize(null), { message: 'an op must be a JSON array, not null' });
  });

  test('a long deleted text is cut in the message', () => {
    const doc = 'x'.repeat(50);
    assert.throws(() => ot.apply(doc, [{ d: 'y'.repeat(50) }]),
        { message: `delete at 0 expects "${'y'.repeat(40)}…" (10 more code points) but the document has `
            + `"${'x'.repeat(40)}…" (10 more code points)` });
  });
});
