// Offsets between CodeMirror and ops. CodeMirror counts UTF-16 units, ops count code points (docs/protocol.md §2):
// "😀" is 2 in CodeMirror and 1 in an op. These functions need only a document with `length` and
// `sliceString(from, to)` (CodeMirror's Text has both) and changes with `iterChanges` (CodeMirror's ChangeSet), so
// the tests run them on plain strings in Node. Each reads the document only as far as the last change.

import * as ot from './ot.js';

/** Code points of doc between UTF-16 positions from and to. */
function cpBetween(doc, from, to) {
  return from >= to ? 0 : ot.cpLength(doc.sliceString(from, to));
}

/** Whether UTF-16 position pos of doc falls between the halves of a surrogate pair. */
function splitsPair(doc, pos) {
  if (pos <= 0 || pos >= doc.length) {
    return false;
  }
  return ot.splitsPair(doc.sliceString(pos - 1, pos + 1), 1);
}

/**
 * The op (code points) that does what `changes` (UTF-16, on startDoc) does. Changes come in document order and do
 * not overlap; the op walks them once, reading the old document only up to the last change.
 */
export function changesToOp(changes, startDoc, endDoc) {
  const b = ot.builder();
  let at = 0; // UTF-16 position in startDoc up to which the op is written
  let broken = false;
  changes.iterChanges((fromA, toA, fromB, toB, inserted) => {
    if (broken) {
      return;
    }
    if (splitsPair(startDoc, fromA) || splitsPair(startDoc, toA) || splitsPair(endDoc, fromB)
        || splitsPair(endDoc, toB)) {
      broken = true;
      return;
    }
    b.skip(cpBetween(startDoc, at, fromA));
    b.delete(cpBetween(startDoc, fromA, toA));
    const text = inserted.toString();
    if (text.length > 0) {
      if (ot.firstUnpairedSurrogate(text) >= 0) {
        broken = true;
        return;
      }
      b.insert(text);
    }
    at = toA;
  });
  if (broken) {
    return ot.withoutDeletedText(ot.diff(startDoc.toString(), endDoc.toString()));
  }
  return b.build();
}

/** CodeMirror change specs (UTF-16, on doc) that do what op (code points) does. */
export function opToChanges(op, doc) {
  const changes = [];
  let pos = 0; // UTF-16 position in doc
  for (const c of op) {
    if (typeof c === 'string') {
      changes.push({ from: pos, insert: c });
    } else {
      const n = typeof c === 'number' ? c : typeof c.d === 'number' ? c.d : ot.cpLength(c.d);
      const end = advanceIn(doc, pos, n);
      if (typeof c !== 'number') {
        changes.push({ from: pos, to: end });
      }
      pos = end;
    }
  }
  return changes;
}

/** The UTF-16 position n code points after pos in doc; throws past the end (the op does not fit: a bug). */
function advanceIn(doc, pos, n) {
  let at = pos;
  let left = n;
  while (left > 0) {
    // A code point is at least one unit: read `left` units (one more to see the second half of a pair).
    const stop = Math.min(doc.length, at + left);
    if (stop === at) {
      throw new Error(`op runs past the end of the editor's document (${doc.length} chars)`);
    }
    const chunk = doc.sliceString(at, Math.min(doc.length, stop + 1));
    let i = 0;
    while (left > 0 && i < stop - at) {
      const c = chunk.charCodeAt(i);
      const pair = c >= 0xd800 && c <= 0xdbff && i + 1 < chunk.length
          && chunk.charCodeAt(i + 1) >= 0xdc00 && chunk.charCodeAt(i + 1) <= 0xdfff;
      i += pair ? 2 : 1;
      left--;
    }
    at += i;
  }
  return at;
}

/** The UTF-16 position of code point cp in doc (clamped to the end). */
export function cpToPos(doc, cp) {
  if (cp <= 0) {
    return 0;
  }
  const s = doc.sliceString(0, Math.min(doc.length, 2 * cp));
  return Math.min(doc.length, ot.cpToUtf16(s, cp));
}

/** The code point offset of UTF-16 position pos in doc. */
export function posToCp(doc, pos) {
  return cpBetween(doc, 0, pos);
}

