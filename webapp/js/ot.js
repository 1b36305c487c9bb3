// The text-unicode OT type, as the server implements it (src/main/java/dev/coedit/ot/TextOp.java): pure functions,
// no I/O, no DOM. Ops are the wire notation of docs/protocol.md §2, plain JSON arrays:
//
//   N            skip N code points
//   "str"        insert str
//   {d: N}       delete N code points
//   {d: "str"}   delete str, which must be the text at the cursor
//
// Every offset and count is in Unicode code points, never UTF-16 units: "😀" is 1, "한" is 1, "e\u0301" is 2.
// Functions that return ops return them normalized: no empty components, no two neighbours of the same kind, no
// trailing skip. Two ops that do the same thing the same way are then equal component by component.
//
// Input from outside (a server message, a golden file) goes through normalize(), which rejects a malformed op with
// an InvalidOpError whose message is word for word the Java one (InvalidOpException), so both ends name a problem
// alike. A broken invariant inside this module is a plain Error instead.

export const LEFT = 'left';
export const RIGHT = 'right';

const SKIP = 0;
const INSERT = 1;
const DELETE = 2;
const NO_KIND = -1;
const MAX_COUNT = 2147483647;
const QUOTE_LIMIT = 40;

/** An op that is well-formed JSON but not valid (for its document). The message names the numbers. */
export class InvalidOpError extends Error {
  constructor(message) {
    super(message);
    this.name = 'InvalidOpError';
  }
}

// ---------------------------------------------------------------- code points

/** Code points in s. */
export function cpLength(s) {
  let n = s.length;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        n--;
        i++;
      }
    }
  }
  return n;
}

/**
 * The UTF-16 index `codePoints` code points after UTF-16 index `from` of s, or -1 when s ends first. A surrogate pair
 * counts as one code point; a lone surrogate as one too (it cannot be in a valid op, but may be in an editor).
 */
export function advance(s, from, codePoints) {
  const n = s.length;
  let i = from;
  for (let left = codePoints; left > 0; left--) {
    if (i >= n) {
      return -1;
    }
    const c = s.charCodeAt(i++);
    if (c >= 0xd800 && c <= 0xdbff && i < n) {
      const d = s.charCodeAt(i);
      if (d >= 0xdc00 && d <= 0xdfff) {
        i++;
      }
    }
  }
  return i;
}

/** The UTF-16 index of code point `cp` in s; past the end gives s.length. */
export function cpToUtf16(s, cp) {
  if (cp <= 0) {
    return 0;
  }
  const i = advance(s, 0, cp);
  return i < 0 ? s.length : i;
}

/**
 * The code point offset of UTF-16 index `index` in s. An index between the two halves of a pair counts the pair as
 * passed (it cannot be told apart otherwise; editors never put a caret there).
 */
export function utf16ToCp(s, index) {
  const end = Math.min(index, s.length);
  let n = end;
  for (let i = 0; i < end; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        n--;
        i++;
      }
    }
  }
  return n;
}

/** Whether UTF-16 index i of s falls between the halves of a surrogate pair. */
export function splitsPair(s, i) {
  if (i <= 0 || i >= s.length) {
    return false;
  }
  const a = s.charCodeAt(i - 1);
  const b = s.charCodeAt(i);
  return a >= 0xd800 && a <= 0xdbff && b >= 0xdc00 && b <= 0xdfff;
}

/** The char index of the first surrogate of s that is not half of a pair, or -1 when s is well-formed. */
export function firstUnpairedSurrogate(s) {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdfff) {
      if (c <= 0xdbff && i + 1 < s.length) {
        const d = s.charCodeAt(i + 1);
        if (d >= 0xdc00 && d <= 0xdfff) {
          i++;
          continue;
        }
      }
      return i;
    }
  }
  return -1;
}

// ---------------------------------------------------------------- messages, as InvalidOpException words them

function quote(text) {
  if (text.length > QUOTE_LIMIT && cpLength(text) > QUOTE_LIMIT) {
    const cut = advance(text, 0, QUOTE_LIMIT);
    const rest = cpLength(text.slice(cut));
    const q = JSON.stringify(text.slice(0, cut));
    return q.slice(0, -1) + '…" (' + rest + ' more code points)';
  }
  return JSON.stringify(text);
}

function describe(value) {
  if (value === null || value === undefined) {
    return 'null';
  } else if (typeof value === 'boolean') {
    return 'a boolean';
  } else if (Array.isArray(value)) {
    return 'an array';
  } else if (typeof value === 'object') {
    const keys = Object.keys(value);
    return keys.length === 0 ? 'an object with no keys' : 'an object with keys [' + keys.join(', ') + ']';
  } else if (typeof value === 'number') {
    return 'a number';
  } else if (typeof value === 'string') {
    return 'a string';
  }
  return 'a ' + typeof value;
}

const errors = {
  countTooSmall: (i, n) => `component ${i} has count ${n}; counts must be at least 1`,
  countTooLarge: (i, n) => `component ${i} has count ${n}; counts must be at most ${MAX_COUNT}`,
  countNotWhole: (i, n) => `component ${i} has count ${n}; counts must be whole numbers`,
  wrongKind: (i, what) => `component ${i} is ${what}; expected a number, a string or {"d": ...}`,
  wrongDeleteValue: (i, what) => `component ${i} is {"d": ${what}}; a delete holds a count or the deleted text`,
  emptyText: (i, insert) => `component ${i} ${insert ? 'inserts' : 'deletes'} an empty string; `
      + `${insert ? 'inserted' : 'deleted'} text must not be empty`,
  unpairedSurrogate: (i, insert, at) => `${insert ? 'inserted' : 'deleted'} text at component ${i} contains an `
      + `unpaired surrogate at char ${at}`,
  pastEnd: (kind, n, at, length) => `${kind} of ${n} at ${at} runs past the end of a document of ${length}`,
  deleteMismatch: (at, expected, actual) => `delete at ${at} expects ${quote(expected)} but the document has `
      + `${quote(actual)}`,
  negativeOffset: (what, n) => `${what} ${n} is negative; offsets must be at least 0`,
};

// ---------------------------------------------------------------- building

/**
 * Collects pieces into a normalized op: empty pieces dropped, neighbours of the same kind merged, a trailing skip
 * dropped. Merging a delete that knows its text with one that does not gives a delete of the count only, as in Java.
 */
class Builder {
  constructor() {
    this.out = [];
    this.kind = NO_KIND;
    this.count = 0;
    this.texts = null; // pending text pieces, or null for a count-only delete (and for skips)
  }

  /** Adds `count` code points of `kind`; `text` for inserts and deletes that know it, else null. */
  push(kind, count, text) {
    if (count === 0) {
      return;
    }
    if (kind !== this.kind) {
      this.flush();
      this.kind = kind;
      this.count = count;
      this.texts = text == null ? null : [text];
      return;
    }
    this.count += count;
    if (this.count > MAX_COUNT) {
      throw new InvalidOpError(`the op spans ${this.count} code points; at most ${MAX_COUNT} are allowed`);
    }
    if (kind === SKIP) {
      return;
    }
    if (text == null || this.texts == null) {
      this.texts = null;
    } else {
      this.texts.push(text);
    }
  }

  skip(n) {
    this.push(SKIP, n, null);
    return this;
  }

  insert(s) {
    this.push(INSERT, cpLength(s), s);
    return this;
  }

  delete(nOrText) {
    if (typeof nOrText === 'string') {
      this.push(DELETE, cpLength(nOrText), nOrText);
    } else {
      this.push(DELETE, nOrText, null);
    }
    return this;
  }

  flush() {
    if (this.kind === NO_KIND) {
      return;
    }
    if (this.kind === SKIP) {
      this.out.push(this.count);
    } else if (this.kind === INSERT) {
      this.out.push(this.texts.join(''));
    } else {
      this.out.push({ d: this.texts == null ? this.count : this.texts.join('') });
    }
    this.kind = NO_KIND;
    this.texts = null;
  }

  build() {
    if (this.kind !== SKIP) {
      this.flush();
    }
    this.kind = NO_KIND;
    return this.out;
  }
}

/** A builder of one op: `builder().skip(3).insert("hi").delete(2).build()`. */
export function builder() {
  return new Builder();
}

function kindOf(c) {
  return typeof c === 'number' ? SKIP : typeof c === 'string' ? INSERT : DELETE;
}

function lengthOf(c) {
  if (typeof c === 'number') {
    return c;
  } else if (typeof c === 'string') {
    return cpLength(c);
  }
  return typeof c.d === 'number' ? c.d : cpLength(c.d);
}

function textOf(c) {
  return typeof c === 'string' ? c : typeof c === 'object' && typeof c.d === 'string' ? c.d : null;
}

/**
 * Hands out an op's components piece by piece, for compose and transform. Past the last component the op skips
 * forever, because an op keeps whatever it does not reach. The op must be normalized or at least valid.
 */
class Walker {
  constructor(op) {
    this.op = op;
    this.index = 0;
    this.offset = 0; // code points of op[index] handed out
    this.charOffset = 0; // and the chars of its text they span
    this.lengths = op.map(lengthOf);
    // The piece last taken:
    this.kind = SKIP;
    this.count = 0;
    this.text = null;
  }

  hasMore() {
    return this.index < this.op.length;
  }

  nextIsInsert() {
    return this.index < this.op.length && typeof this.op[this.index] === 'string';
  }

  /** Takes at most `max` code points of the next component; all of it if its kind is `indivisible`. */
  take(max, indivisible) {
    if (this.index === this.op.length) {
      this.kind = SKIP;
      this.count = max;
      this.text = null;
      return;
    }
    const c = this.op[this.index];
    const length = this.lengths[this.index];
    const left = length - this.offset;
    this.kind = kindOf(c);
    const text = textOf(c);
    if (left <= max || this.kind === indivisible) {
      this.count = left;
      this.text = text == null ? null : this.charOffset === 0 ? text : text.slice(this.charOffset);
      this.index++;
      this.offset = 0;
      this.charOffset = 0;
    } else {
      this.count = max;
      if (text != null) {
        const to = text.length === length ? this.charOffset + max : advance(text, this.charOffset, max);
        this.text = text.slice(this.charOffset, to);
        this.charOffset = to;
      } else {
        this.text = null;
      }
      this.offset += max;
    }
  }

  /** Appends the piece last taken to `out`. */
  appendTo(out) {
    out.push(this.kind, this.count, this.text);
  }
}

// ---------------------------------------------------------------- reading and checking

function checkCount(i, n) {
  if (!Number.isFinite(n) || !Number.isInteger(n)) {
    throw new InvalidOpError(errors.countNotWhole(i, n));
  }
  if (n < 1) {
    throw new InvalidOpError(errors.countTooSmall(i, n));
  }
  if (n > MAX_COUNT) {
    throw new InvalidOpError(errors.countTooLarge(i, n));
  }
  return n;
}

function checkText(i, s, insert) {
  if (s.length === 0) {
    throw new InvalidOpError(errors.emptyText(i, insert));
  }
  const bad = firstUnpairedSurrogate(s);
  if (bad >= 0) {
    throw new InvalidOpError(errors.unpairedSurrogate(i, insert, bad));
  }
}

/**
 * The op read from JSON values (as JSON.parse hands them over), checked and normalized: `[1,1]` is `[]`. Law:
 * normalize(normalize(x)) equals normalize(x).
 *
 * @throws InvalidOpError naming the index of the first bad component and what it was, in the Java words
 */
export function normalize(raw) {
  if (!Array.isArray(raw)) {
    throw new InvalidOpError('an op must be a JSON array, not ' + describe(raw));
  }
  const out = new Builder();
  for (let i = 0; i < raw.length; i++) {
    const value = raw[i];
    if (typeof value === 'number') {
      out.skip(checkCount(i, value));
    } else if (typeof value === 'string') {
      checkText(i, value, true);
      out.insert(value);
    } else if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
      const keys = Object.keys(value);
      if (keys.length !== 1 || keys[0] !== 'd') {
        throw new InvalidOpError(errors.wrongKind(i, describe(value)));
      }
      const d = value.d;
      if (typeof d === 'number') {
        out.delete(checkCount(i, d));
      } else if (typeof d === 'string') {
        checkText(i, d, false);
        out.delete(d);
      } else {
        throw new InvalidOpError(errors.wrongDeleteValue(i, describe(d)));
      }
    } else {
      throw new InvalidOpError(errors.wrongKind(i, describe(value)));
    }
  }
  return out.build();
}

/** Whether the op changes nothing. Only a normalized op is reliably `[]` when it changes nothing. */
export function isNoop(op) {
  return op.length === 0;
}

/** Skips plus deletes: the shortest document, in code points, the op fits. */
export function inputLength(op) {
  let n = 0;
  for (const c of op) {
    if (typeof c !== 'string') {
      n += lengthOf(c);
    }
  }
  return n;
}

/** The op with every delete reduced to its count: smaller on the wire. */
export function withoutDeletedText(op) {
  const out = new Builder();
  for (const c of op) {
    const kind = kindOf(c);
    out.push(kind, lengthOf(c), kind === DELETE ? null : textOf(c));
  }
  return out.build();
}

/** Whether two ops are the same, component by component (normalize them first). */
export function equals(a, b) {
  if (a.length !== b.length) {
    return false;
  }
  for (let i = 0; i < a.length; i++) {
    const x = a[i];
    const y = b[i];
    if (typeof x !== typeof y) {
      return false;
    }
    if (typeof x === 'object') {
      if (x.d !== y.d) {
        return false;
      }
    } else if (x !== y) {
      return false;
    }
  }
  return true;
}

// ---------------------------------------------------------------- apply

/**
 * The op applied to doc.
 *
 * @throws InvalidOpError when a skip or delete runs past the end of doc, or a delete that carries its text finds
 *                        other text there (nothing is changed: strings are immutable)
 */
export function apply(doc, op) {
  if (op.length === 0) {
    return doc;
  }
  const parts = [];
  let at = 0; // chars of doc consumed
  let pos = 0; // code points of doc consumed
  for (const c of op) {
    if (typeof c === 'string') {
      parts.push(c);
      continue;
    }
    const skip = typeof c === 'number';
    const n = lengthOf(c);
    const end = advance(doc, at, n);
    if (end < 0) {
      throw new InvalidOpError(errors.pastEnd(skip ? 'skip' : 'delete', n, pos, cpLength(doc)));
    }
    if (skip) {
      parts.push(doc.slice(at, end));
    } else if (typeof c.d === 'string' && doc.slice(at, end) !== c.d) {
      throw new InvalidOpError(errors.deleteMismatch(pos, c.d, doc.slice(at, end)));
    }
    at = end;
    pos += n;
  }
  parts.push(doc.slice(at));
  return parts.join('');
}

// ---------------------------------------------------------------- the algebra

/**
 * `a`, then `b`, as one op; `b` must be an op on the result of `a`.
 *
 * Law: apply(apply(d, a), b) equals apply(d, compose(a, b)) for every d that a fits. Where b deletes text a inserted,
 * both vanish; where b deletes text a kept, the delete carries b's text for that stretch.
 */
export function compose(a, b) {
  if (b.length === 0) {
    return a;
  }
  if (a.length === 0) {
    return b;
  }
  const first = new Walker(a);
  const out = new Builder();
  for (const c of b) {
    const kind = kindOf(c);
    let n = lengthOf(c);
    if (kind === SKIP) {
      // Keeps n code points of a's output; a's deletes there have no output and pass through.
      while (n > 0) {
        first.take(n, DELETE);
        first.appendTo(out);
        if (first.kind !== DELETE) {
          n -= first.count;
        }
      }
    } else if (kind === INSERT) {
      out.push(INSERT, n, c);
    } else {
      const text = textOf(c);
      let charAt = 0;
      while (n > 0) {
        first.take(n, DELETE);
        if (first.kind === DELETE) {
          first.appendTo(out);
          continue;
        }
        const k = first.count;
        let piece = null;
        if (text != null) {
          const charEnd = advance(text, charAt, k);
          piece = text.slice(charAt, charEnd);
          charAt = charEnd;
        }
        if (first.kind === SKIP) {
          out.push(DELETE, k, piece);
        }
        // An insert of a that b deletes simply never happens.
        n -= k;
      }
    }
  }
  while (first.hasMore()) {
    first.take(MAX_COUNT, NO_KIND);
    first.appendTo(out);
  }
  return out.build();
}

/**
 * `op` rewritten to apply after `other`, where both were made on the same document. `side` breaks ties between
 * inserts at the same position: LEFT puts op's text first. The two ends of a transform take opposite sides:
 *
 *                      d
 *              op    /   \    other
 *                   /     \
 *                  .       .
 *    transform(other, \   / transform(op,
 *      op, RIGHT)      \ /    other, LEFT)
 *                      d'
 *
 * Law (TP1): apply(apply(d, a), transform(b, a, RIGHT)) equals apply(apply(d, b), transform(a, b, LEFT)). Text op
 * inserts inside a range other deletes survives, at the point of the deletion; text both delete is deleted once;
 * text other inserts is skipped.
 */
export function transform(op, other, side) {
  if (side !== LEFT && side !== RIGHT) {
    throw new Error('side must be "left" or "right", was ' + side);
  }
  if (other.length === 0 || op.length === 0) {
    return op;
  }
  const mine = new Walker(op);
  const out = new Builder();
  for (const c of other) {
    const kind = kindOf(c);
    let n = lengthOf(c);
    if (kind === SKIP) {
      while (n > 0) {
        mine.take(n, INSERT);
        mine.appendTo(out);
        if (mine.kind !== INSERT) {
          n -= mine.count;
        }
      }
    } else if (kind === INSERT) {
      if (side === LEFT && mine.nextIsInsert()) {
        mine.take(MAX_COUNT, INSERT);
        mine.appendTo(out);
      }
      out.skip(n);
    } else {
      while (n > 0) {
        mine.take(n, INSERT);
        if (mine.kind === INSERT) {
          mine.appendTo(out);
        } else {
          // A skip of text other deleted is gone; a delete of it is already done.
          n -= mine.count;
        }
      }
    }
  }
  while (mine.hasMore()) {
    mine.take(MAX_COUNT, NO_KIND);
    mine.appendTo(out);
  }
  return out.build();
}

// ---------------------------------------------------------------- positions

/**
 * Where the caret at code point `position` of the document before op is after it, as text-unicode's
 * transformPosition: a caret inside a deleted range moves to its start; text inserted exactly at the caret goes
 * after it (the caret stays put: someone else typed there).
 */
export function transformPosition(position, op) {
  if (position < 0) {
    throw new InvalidOpError(errors.negativeOffset('position', position));
  }
  let cursor = position;
  let pos = 0;
  for (let i = 0; i < op.length && cursor > pos; i++) {
    const c = op[i];
    const n = lengthOf(c);
    if (typeof c === 'number') {
      pos += n;
    } else if (typeof c === 'string') {
      pos += n;
      cursor += n;
    } else {
      cursor -= Math.min(n, cursor - pos);
    }
  }
  return Math.min(cursor, MAX_COUNT);
}

/** Both ends of a selection {anchor, head} moved by transformPosition, each on its own. */
export function transformSelection(selection, op) {
  const anchor = transformPosition(selection.anchor, op);
  const head = selection.head === selection.anchor ? anchor : transformPosition(selection.head, op);
  return { anchor, head };
}

// ---------------------------------------------------------------- diff and size

/**
 * The op that turns `from` into `to`, found by trimming their common prefix and suffix: one replaced region, never
 * splitting a surrogate pair. Law: apply(from, diff(from, to)) equals to. As Java's Diff.between.
 */
export function diff(from, to) {
  let prefix = 0;
  const max = Math.min(from.length, to.length);
  while (prefix < max && from.charCodeAt(prefix) === to.charCodeAt(prefix)) {
    prefix++;
  }
  if (prefix > 0) {
    const c = from.charCodeAt(prefix - 1);
    if (c >= 0xd800 && c <= 0xdbff) {
      prefix--;
    }
  }
  let suffix = 0;
  const maxSuffix = max - prefix;
  while (suffix < maxSuffix
      && from.charCodeAt(from.length - 1 - suffix) === to.charCodeAt(to.length - 1 - suffix)) {
    suffix++;
  }
  if (suffix > 0) {
    const c = from.charCodeAt(from.length - suffix);
    if (c >= 0xdc00 && c <= 0xdfff) {
      suffix--;
    }
  }
  const deleted = from.slice(prefix, from.length - suffix);
  const inserted = to.slice(prefix, to.length - suffix);
  return builder().skip(cpLength(from.slice(0, prefix))).insert(inserted).delete(deleted).build();
}

/** Bytes that code point `code` takes in UTF-8 inside a JSON string as JSON.stringify writes it. */
function jsonWidth(code) {
  if (code < 0x20) {
    return code === 0x0a || code === 0x0d || code === 0x09 || code === 0x08 || code === 0x0c ? 2 : 6;
  } else if (code === 0x22 || code === 0x5c) {
    return 2;
  } else if (code < 0x80) {
    return 1;
  } else if (code < 0x800) {
    return 2;
  } else if (code >= 0xd800 && code <= 0xdfff) {
    return 6; // a lone surrogate is escaped; a valid op has none
  }
  return code < 0x10000 ? 3 : 4;
}

/** Bytes of s as a JSON string literal in UTF-8, quotes included. */
export function jsonStringBytes(s) {
  let n = 2;
  for (let i = 0; i < s.length; i++) {
    const code = s.codePointAt(i);
    if (code > 0xffff) {
      i++;
    }
    n += jsonWidth(code);
  }
  return n;
}

/** Bytes of the op's JSON in UTF-8. */
export function jsonBytes(op) {
  let n = 1 + Math.max(op.length, 1);
  for (const c of op) {
    if (typeof c === 'number') {
      n += String(c).length;
    } else if (typeof c === 'string') {
      n += jsonStringBytes(c);
    } else {
      n += 6 + (typeof c.d === 'number' ? String(c.d).length : jsonStringBytes(c.d));
    }
  }
  return n;
}

/**
 * Cuts op in two so that the first part's JSON takes at most `maxBytes` of UTF-8: returns [head, tail] with
 * compose(head, tail) doing what op does, or [op, []] when op fits already. Deletes are reduced to their counts
 * (what a client sends anyway), so only inserts are long on the wire, and a long insert is cut between code points.
 * Used to keep every submit under the server's message limit: the tail waits in the buffer like any local edit.
 *
 * Why compose(head, tail) == op: head does op's components up to the cut and keeps the rest; the document it gives
 * is op's output up to the cut followed by op's unconsumed input, so tail skips that output and goes on from there.
 */
export function split(op, maxBytes) {
  if (maxBytes < 64) {
    throw new Error('maxBytes ' + maxBytes + ' leaves no room for an op');
  }
  const counts = withoutDeletedText(op);
  if (jsonBytes(counts) <= maxBytes) {
    return [counts, []];
  }
  let budget = maxBytes - 2; // the brackets
  const head = new Builder();
  let output = 0; // code points of op's output that head produces
  let i = 0;
  let rest = null; // the part of counts[i] left for the tail
  for (; i < counts.length; i++) {
    const c = counts[i];
    const kind = kindOf(c);
    if (kind !== INSERT) {
      const cost = JSON.stringify(c).length + 1;
      if (cost > budget) {
        break;
      }
      budget -= cost;
      head.push(kind, lengthOf(c), null);
      if (kind === SKIP) {
        output += c;
      }
      continue;
    }
    const cost = jsonStringBytes(c) + 1;
    if (cost <= budget) {
      budget -= cost;
      head.insert(c);
      output += cpLength(c);
      continue;
    }
    // Cut this insert after as many whole code points as fit.
    let room = budget - 3; // quotes and comma
    let cut = 0;
    while (cut < c.length) {
      const code = c.codePointAt(cut);
      const width = jsonWidth(code);
      if (width > room) {
        break;
      }
      room -= width;
      cut += code > 0xffff ? 2 : 1;
    }
    if (cut > 0) {
      const piece = c.slice(0, cut);
      head.insert(piece);
      output += cpLength(piece);
      rest = c.slice(cut);
    }
    break;
  }
  const headOp = head.build();
  if (headOp.every((c) => typeof c === 'number')) {
    throw new Error('cannot cut an op to ' + maxBytes + ' bytes');
  }
  const tail = new Builder().skip(output);
  if (rest != null) {
    tail.insert(rest);
    i++;
  }
  for (; i < counts.length; i++) {
    const c = counts[i];
    tail.push(kindOf(c), lengthOf(c), textOf(c));
  }
  return [headOp, tail.build()];
}

/** The compact notation of an op, as the Java TextOp.toString prints it. */
export function toString(op) {
  return JSON.stringify(op);
}
