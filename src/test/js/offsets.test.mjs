// Conversions between CodeMirror's UTF-16 offsets and the ops' code points (webapp/js/offsets.js), on plain strings
// standing in for CodeMirror's Text and ChangeSet.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { random, randomText, seeds, webappModule } from './support.mjs';

const ot = await import(webappModule('ot.js'));
const { changesToOp, opToChanges, cpToPos, posToCp } = await import(webappModule('offsets.js'));

/** A string as CodeMirror's Text: length in UTF-16 units, sliceString. */
function doc(s) {
  return { length: s.length, sliceString: (from, to = s.length) => s.slice(from, to), toString: () => s };
}

/**
 * Changes as CodeMirror's ChangeSet reports them: [fromA, toA, insert] on the start document, in order, not
 * overlapping. Returns {changes, end} with the end document.
 */
function changeSet(start, list) {
  let end = '';
  let at = 0;
  const reported = [];
  for (const [fromA, toA, insert] of list) {
    end += start.slice(at, fromA);
    const fromB = end.length;
    end += insert;
    reported.push([fromA, toA, fromB, end.length, { toString: () => insert }]);
    at = toA;
  }
  end += start.slice(at);
  return { changes: { iterChanges: (f) => reported.forEach((r) => f(...r)) }, end };
}

/** Applies CodeMirror change specs (all on the same start document) to a string. */
function applySpecs(s, specs) {
  let out = s;
  for (const spec of [...specs].reverse()) {
    out = out.slice(0, spec.from) + (spec.insert ?? '') + out.slice(spec.to ?? spec.from);
  }
  return out;
}

function toOp(start, list) {
  const { changes, end } = changeSet(start, list);
  return { op: changesToOp(changes, doc(start), doc(end)), end };
}

describe('editor changes to ops', () => {
  test('an emoji typed after an emoji is one code point at code point 1', () => {
    assert.deepEqual(toOp('😀a', [[2, 2, '😀']]).op, [1, '😀']);
  });

  test('deleting an emoji deletes one code point', () => {
    assert.deepEqual(toOp('😀한', [[0, 2, '']]).op, [{ d: 1 }]);
  });

  test('several changes in one transaction (multiple cursors) make one op', () => {
    const { op, end } = toOp('a😀b😀c', [[0, 1, 'A'], [3, 4, 'B'], [6, 7, 'C']]);
    assert.deepEqual(op, [{ d: 1 }, 'A', 1, { d: 1 }, 'B', 1, { d: 1 }, 'C']);
    assert.equal(ot.apply('a😀b😀c', op), end);
  });

  test('Korean and combining marks count one code point each', () => {
    assert.deepEqual(toOp('안녕e\u0301', [[3, 4, '']]).op, [3, { d: 1 }]);
  });

  test('a change that splits a surrogate pair falls back to the diff of the two texts', () => {
    const start = 'x😀y';
    const { op, end } = toOp(start, [[2, 3, '\ude01']]); // replaces the low half: 😀 becomes 😁
    assert.equal(end, 'x😁y');
    assert.equal(ot.apply(start, op), end);
    assert.equal(ot.firstUnpairedSurrogate(JSON.stringify(op)), -1);
  });
});

describe('ops to editor changes', () => {
  test('skips and deletes are measured in the document\'s UTF-16 units', () => {
    assert.deepEqual(opToChanges([1, { d: 1 }, 'x'], doc('😀😀b')), [{ from: 2, to: 4 }, { from: 4, insert: 'x' }]);
  });

  test('a skip over 100,000 emoji lands after them', () => {
    const text = '😀'.repeat(100_000) + 'end';
    assert.deepEqual(opToChanges([100_000, 'x'], doc(text)), [{ from: 200_000, insert: 'x' }]);
    assert.deepEqual(opToChanges([100_001, { d: 2 }], doc(text)), [{ from: 200_001, to: 200_003 }]);
  });

  test('an op past the end of the editor\'s document is an error', () => {
    assert.throws(() => opToChanges([5, 'x'], doc('abc')), /runs past the end of the editor's document \(3 chars\)/);
  });

  test('code point offsets and positions convert both ways', () => {
    const d = doc('a😀한👩\u200d💻');
    assert.deepEqual([0, 1, 2, 3, 4, 5, 6].map((cp) => cpToPos(d, cp)), [0, 1, 3, 4, 6, 7, 9]);
    assert.deepEqual([0, 1, 3, 4, 6, 7, 9].map((pos) => posToCp(d, pos)), [0, 1, 2, 3, 4, 5, 6]);
  });
});

describe('round trips on random text with emoji, Korean and combining marks', () => {
  test('op -> changes -> op gives the same edit, and both change the text alike', () => {
    for (const seed of seeds(300)) {
      const rnd = random(seed);
      const start = randomText(rnd, 30);
      const b = ot.builder();
      let left = ot.cpLength(start);
      while (left > 0) {
        const n = 1 + rnd.int(left);
        if (rnd.next() < 0.5) {
          b.skip(n);
        } else {
          b.delete(n);
        }
        left -= n;
        if (rnd.next() < 0.5) {
          b.insert(randomText(rnd, 3) || 'z');
        }
      }
      const op = b.build();
      const specs = opToChanges(op, doc(start));
      const end = applySpecs(start, specs);
      assert.equal(end, ot.apply(start, op), `seed ${seed}: the changes do what the op does`);
      const list = specs.map((s) => [s.from, s.to ?? s.from, s.insert ?? '']);
      // CodeMirror would merge a delete and an insert at the same place into one change; so do the test's specs.
      const merged = [];
      for (const c of list) {
        const last = merged.at(-1);
        if (last && last[1] === c[0]) {
          last[1] = c[1];
          last[2] += c[2];
        } else {
          merged.push([...c]);
        }
      }
      // Back to an op: the same edit (an insert and a delete at one place may come out in the other order).
      const back = toOp(start, merged).op;
      assert.equal(ot.apply(start, back), end, `seed ${seed}: ${JSON.stringify(op)} came back as ${JSON.stringify(back)}`);
      assert.equal(ot.jsonBytes(back) <= ot.jsonBytes(ot.withoutDeletedText(op)), true, `seed ${seed}: no bigger`);
    }
  });
});
