// The CodeMirror 6 adapter: turns the editor's changes into ops and ops into the editor's changes, draws the others'
// carets and selections, and keeps undo to one's own edits.
//
// Offsets: CodeMirror counts UTF-16 units, ops count code points (docs/protocol.md §2). "😀" is 2 in CodeMirror and
// 1 in an op. offsets.js converts changes both ways through the document's text, reading only as far as the last
// change; a change whose edge falls between the halves of a surrogate pair (no CodeMirror command makes one, but an
// IME or a script might) cannot be said in code points, and becomes the diff of the two texts instead.
//
// Undo: others' changes are dispatched with Transaction.addToHistory.of(false), so CodeMirror's history maps its
// events through them and undo/redo only ever reverts this editor's own edits.
//
// IME composition (Korean, Japanese, ...): while the user composes, a change to the document dispatched from outside
// can end the composition in the browser. So others' changes wait while a composition is under way, composed into
// one op (`deferred`), and are applied when it ends. Local edits made meanwhile are transformed past the waiting op
// before they reach the client, and the waiting op past them:
//
//   editor = E, client text = E·R (R waiting);  local edit e on E  =>  client gets e' = T(e, R, left),
//   R becomes T(R, e, right);  so that E·e·R' == E·R·e'.

import { EditorView, minimalSetup } from 'codemirror';
import { Annotation, Compartment, EditorState, StateEffect, StateField, Transaction } from '@codemirror/state';
import { Decoration, WidgetType, highlightActiveLine, highlightActiveLineGutter, keymap, lineNumbers,
  dropCursor, rectangularSelection, crosshairCursor } from '@codemirror/view';
import { defaultKeymap, historyKeymap, indentWithTab } from '@codemirror/commands';
import { highlightSelectionMatches, search, searchKeymap } from '@codemirror/search';
import * as ot from './ot.js';
import { changesToOp, opToChanges } from './offsets.js';

/** Marks a transaction that applies others' edits; its value is the author's client id, or null for a resync. */
export const remoteEdit = Annotation.define();

const setCarets = StateEffect.define();

/** How long others' edits may wait for a composition to end before they are applied anyway. */
const MAX_DEFERRAL_MS = 3000;

// ---------------------------------------------------------------- others' carets

/** Black or white, whichever reads better on `color` (#rrggbb). */
function textColorOn(color) {
  const n = parseInt(color.slice(1), 16);
  const [r, g, b] = [(n >> 16) & 255, (n >> 8) & 255, n & 255];
  return 0.299 * r + 0.587 * g + 0.114 * b > 150 ? '#111827' : '#ffffff';
}

function safeColor(color) {
  return /^#[0-9a-fA-F]{6}$/.test(color ?? '') ? color : '#6b7280';
}

/** A caret with its owner's name. The label sits above the caret, or below it on the first line, never clipped. */
class CaretWidget extends WidgetType {
  constructor(clientId, name, color, below) {
    super();
    this.clientId = clientId;
    this.name = name;
    this.color = color;
    this.below = below;
  }

  eq(other) {
    return other.clientId === this.clientId && other.name === this.name && other.color === this.color
        && other.below === this.below;
  }

  toDOM() {
    const caret = document.createElement('span');
    caret.className = 'cm-remote-caret';
    caret.style.borderLeftColor = this.color;
    caret.dataset.clientId = this.clientId;
    const label = document.createElement('span');
    label.className = 'cm-remote-caret-label' + (this.below ? ' cm-remote-caret-label-below' : '');
    label.textContent = this.name; // a name is text, never markup
    label.style.backgroundColor = this.color;
    label.style.color = textColorOn(this.color);
    caret.appendChild(label);
    return caret;
  }

  ignoreEvent() {
    return true;
  }
}

/**
 * The others' carets as data: clientId -> {name, color, anchor, head} in UTF-16 positions of the current document,
 * mapped through every change. Through the author's own change a caret moves after the text inserted at it (they
 * typed it); through anyone else's it stays before, as the server's transformPosition does.
 */
const caretField = StateField.define({
  create() {
    return new Map();
  },
  update(carets, tr) {
    let next = carets;
    if (tr.docChanged && carets.size > 0) {
      const author = tr.annotation(remoteEdit);
      next = new Map();
      for (const [id, c] of carets) {
        const assoc = id === author ? 1 : -1;
        next.set(id, { ...c, anchor: tr.changes.mapPos(c.anchor, assoc), head: tr.changes.mapPos(c.head, assoc) });
      }
    }
    for (const e of tr.effects) {
      if (e.is(setCarets)) {
        next = e.value;
      }
    }
    return next;
  },
  provide: (field) => EditorView.decorations.from(field, (carets) => caretDecorations(carets)),
});

function caretDecorations(carets) {
  // Built lazily per update; the field's value is reused while it does not change.
  return (view) => {
    const ranges = [];
    const length = view.state.doc.length;
    for (const [id, c] of carets) {
      const anchor = Math.min(c.anchor, length);
      const head = Math.min(c.head, length);
      const from = Math.min(anchor, head);
      const to = Math.max(anchor, head);
      if (from < to) {
        ranges.push(Decoration.mark({
          class: 'cm-remote-selection',
          attributes: { style: `background-color: ${c.color}33`, 'data-client-id': id },
        }).range(from, to));
      }
      const below = view.state.doc.lineAt(head).number === 1;
      ranges.push(Decoration.widget({ widget: new CaretWidget(id, c.name, c.color, below), side: 1 }).range(head));
    }
    return Decoration.set(ranges, true);
  };
}

const caretTheme = EditorView.baseTheme({
  '.cm-remote-caret': {
    position: 'relative',
    borderLeft: '2px solid',
    marginLeft: '-1px',
    marginRight: '-1px',
    pointerEvents: 'none',
  },
  '.cm-remote-caret-label': {
    position: 'absolute',
    left: '-2px',
    bottom: '100%',
    padding: '0 4px',
    borderRadius: '3px 3px 3px 0',
    font: '600 11px/16px system-ui, sans-serif',
    whiteSpace: 'pre',
    maxWidth: '16em',
    overflow: 'hidden',
    textOverflow: 'ellipsis',
    zIndex: '5',
    userSelect: 'none',
  },
  '.cm-remote-caret-label-below': {
    bottom: 'auto',
    top: '100%',
    borderRadius: '0 3px 3px 3px',
  },
});

// ---------------------------------------------------------------- the editor

/**
 * A CodeMirror editor bound to a protocol client through callbacks:
 *   onLocalChange(op)        an edit made here, in code points on the client's text
 *   onSelection(anchor, head) this editor's selection moved, in code points on the client's text
 *   carets()                 the others, as the client knows them now: [{clientId, name, color, selection}]
 */
export class CollabEditor {
  /** Read-only until the first snapshot arrives. */
  #readOnly = new Compartment();
  /** Whether the person may edit (not a viewer); the editor is read-only anyway until the first snapshot. */
  #mayEdit = true;

  constructor(parent, { onLocalChange, onSelection, carets = () => [] }) {
    this.onLocalChange = onLocalChange;
    this.onSelection = onSelection;
    this.carets = carets;
    this.deferred = null; // others' edits waiting for a composition to end (op on the editor's text)
    this.deferredSince = 0;
    this.flushTimer = null;
    this.view = new EditorView({
      parent,
      state: EditorState.create({ doc: '', extensions: this.#extensions() }),
    });
    this.view.contentDOM.addEventListener('compositionend', () => this.#scheduleFlush(0));
  }

  #extensions() {
    return [
      minimalSetup,
      lineNumbers(),
      highlightActiveLine(),
      highlightActiveLineGutter(),
      dropCursor(),
      rectangularSelection(),
      crosshairCursor(),
      highlightSelectionMatches(),
      search({ top: true }),
      keymap.of([...defaultKeymap, ...searchKeymap, ...historyKeymap, indentWithTab]),
      EditorView.lineWrapping,
      // Only "\n" breaks lines, so that the editor's text is the document's text, "\r" and all.
      EditorState.lineSeparator.of('\n'),
      EditorView.contentAttributes.of({ 'aria-label': 'Document text', spellcheck: 'false' }),
      this.#readOnly.of(EditorState.readOnly.of(true)),
      caretField,
      caretTheme,
      EditorView.updateListener.of((update) => this.#updated(update)),
    ];
  }

  /** The document's text as the editor has it. */
  text() {
    return this.view.state.doc.toString();
  }

  /** Whether others' edits are waiting for a composition to end. */
  get deferring() {
    return this.deferred != null;
  }

  /** The first snapshot: the whole text, not undoable, and the editor becomes editable. */
  reset(text) {
    this.deferred = null;
    this.view.dispatch({
      changes: { from: 0, to: this.view.state.doc.length, insert: text },
      annotations: [Transaction.addToHistory.of(false), remoteEdit.of(null)],
      effects: this.#readOnly.reconfigure(EditorState.readOnly.of(!this.#mayEdit)),
    });
    // Let the others see where this editor is from the start, not only after the first click.
    this.#reportSelection(this.view.state);
  }

  setEditable(editable) {
    this.#mayEdit = editable;
    this.view.dispatch({ effects: this.#readOnly.reconfigure(EditorState.readOnly.of(!editable)) });
  }

  /** Whether typing changes the document now. */
  get editable() {
    return !this.view.state.readOnly;
  }

  /** Others' edit (an op on the client's text), or a resync. Waits while the user composes text with an IME. */
  applyRemote(op, author) {
    if (this.deferred != null || this.view.compositionStarted) {
      if (this.deferred == null) {
        this.deferred = [];
        this.deferredSince = Date.now();
      }
      this.deferred = ot.compose(this.deferred, op);
      this.#scheduleFlush(MAX_DEFERRAL_MS);
      return;
    }
    this.#dispatchRemote(op, author);
  }

  /**
   * An edit made here on purpose, as if typed: restoring an old version. It goes to the client like any local
   * change (and can be undone). The op is on the editor's current text.
   */
  applyAsLocal(op) {
    this.view.dispatch({ changes: opToChanges(op, this.view.state.doc), userEvent: 'input.restore' });
  }

  /** Shows the others' carets as the client knows them now. */
  refreshCarets() {
    if (this.deferred != null) {
      return; // positions are on the client's text; they are shown when the waiting edits are applied
    }
    const doc = this.view.state.doc;
    const text = doc.toString();
    const map = new Map();
    for (const p of this.carets()) {
      if (p.selection == null) {
        continue;
      }
      map.set(p.clientId, {
        name: p.name,
        color: safeColor(p.color),
        anchor: Math.min(ot.cpToUtf16(text, p.selection.anchor), doc.length),
        head: Math.min(ot.cpToUtf16(text, p.selection.head), doc.length),
      });
    }
    this.view.dispatch({ effects: setCarets.of(map) });
  }

  focus() {
    this.view.focus();
  }


  #dispatchRemote(op, author) {
    const changes = opToChanges(op, this.view.state.doc);
    this.view.dispatch({
      changes,
      annotations: [Transaction.addToHistory.of(false), Transaction.remote.of(true), remoteEdit.of(author)],
    });
  }

  #scheduleFlush(ms) {
    clearTimeout(this.flushTimer);
    this.flushTimer = setTimeout(() => this.#flush(), ms);
  }

  #flush() {
    this.flushTimer = null;
    if (this.deferred == null) {
      return;
    }
    const overdue = Date.now() - this.deferredSince >= MAX_DEFERRAL_MS;
    if (this.view.compositionStarted && !overdue) {
      this.#scheduleFlush(50);
      return;
    }
    const op = this.deferred;
    this.deferred = null;
    this.#dispatchRemote(op, null);
    this.refreshCarets();
    this.#reportSelection(this.view.state);
  }

  #updated(update) {
    for (const tr of update.transactions) {
      if (!tr.docChanged || tr.annotation(remoteEdit) !== undefined) {
        continue;
      }
      let op = changesToOp(tr.changes, tr.startState.doc, tr.state.doc);
      if (op.length === 0) {
        continue;
      }
      if (this.deferred != null) {
        const mine = ot.transform(op, this.deferred, ot.LEFT);
        this.deferred = ot.transform(this.deferred, op, ot.RIGHT);
        op = mine;
      }
      this.onLocalChange(op);
    }
    if (update.selectionSet || update.docChanged) {
      if (update.transactions.some((tr) => tr.annotation(remoteEdit) === undefined)) {
        this.#reportSelection(update.state);
      }
    }
  }

  #reportSelection(state) {
    if (this.deferred != null) {
      return; // the positions would be on the editor's text, not the client's
    }
    const { anchor, head } = state.selection.main;
    const text = state.doc.sliceString(0, Math.max(anchor, head));
    this.onSelection(ot.utf16ToCp(text, anchor), ot.utf16ToCp(text, head));
  }
}
