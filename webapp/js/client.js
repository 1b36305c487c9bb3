// The client side of the Coedit protocol (docs/protocol.md §7) without a transport or an editor: it turns server
// messages and local edits into the messages to send. It mirrors the Java reference, dev.coedit.ot.OtClient (the
// replica and its three states) and dev.coedit.client.ProtocolClient (hello, resume, resync). connection.js puts it
// on a WebSocket; editor.js feeds it CodeMirror's edits; the tests in src/test/js put it on queues.
//
// Pure and single-threaded, like everything in a page: no timers of its own except through the `schedule` option,
// which paces sends under the server's rate limit.

import * as ot from './ot.js';

/** The server's limit is 65,536 bytes a message; an op's JSON is kept under this, leaving room for the envelope. */
export const MAX_OP_BYTES = 60_000;

export const SYNCHRONIZED = 'Synchronized';
export const AWAITING_CONFIRM = 'AwaitingConfirm';
export const AWAITING_WITH_BUFFER = 'AwaitingWithBuffer';

/**
 * A replica of one document and the local edits the server has not acknowledged, in one of three states (after
 * ot.js's client, as the Java OtClient):
 *
 *   Synchronized        nothing pending; a local edit is sent at once
 *   AwaitingConfirm     one submit in flight; new local edits go to the buffer
 *   AwaitingWithBuffer  one submit in flight, and the buffer: every local edit since, composed into one
 *
 * Invariant: text == apply(apply(confirmed, inflight.op), buffer), where confirmed is the server's document at
 * `version`. The server transforms a late submit with the submit on the LEFT, so pending edits are transformed
 * against incoming ops the same way and both ends compute the same op.
 *
 * An op whose JSON would pass the message limit is cut (ot.split): the first part goes in flight and the rest stays
 * in the buffer, so a 100,000-character paste travels as a few submits, one after the other, through the same states.
 */
export class OtClient {
  constructor(text, version, lastSeq, maxOpBytes = MAX_OP_BYTES) {
    this.confirmed = text;
    this.text = text;
    this.version = version;
    this.lastSeq = lastSeq;
    this.maxOpBytes = maxOpBytes;
    /** {seq, baseVersion, op, edits}: the submit in flight; edits counts the local edits it completes. */
    this.inflight = null;
    this.buffer = null;
    this.bufferEdits = 0;
  }

  get state() {
    return this.inflight == null ? SYNCHRONIZED : this.buffer == null ? AWAITING_CONFIRM : AWAITING_WITH_BUFFER;
  }

  /** Local edits the server has not acknowledged yet (a keystroke, a paste, an undo: one each). */
  unacknowledged() {
    return (this.inflight == null ? 0 : this.inflight.edits) + this.bufferEdits;
  }

  /**
   * A local edit made on `text`: applies it and puts it in flight, or in the buffer when something is in flight.
   * Returns the new in-flight submit, or null.
   *
   * @throws ot.InvalidOpError when the op does not fit the local text (nothing changes)
   */
  applyLocal(op) {
    const text = ot.apply(this.text, op);
    this.text = text;
    if (op.length === 0) {
      return null;
    }
    if (this.inflight == null) {
      return this.#launch(op, 1);
    }
    this.buffer = this.buffer == null ? op : ot.compose(this.buffer, op);
    this.bufferEdits++;
    return null;
  }

  /** The server committed our in-flight submit as `newVersion`. Returns the next in-flight submit, or null. */
  acknowledge(seq, newVersion) {
    if (this.inflight == null || this.inflight.seq !== seq) {
      throw new Error(`ack for seq ${seq} but ${this.inflight == null ? 'nothing is in flight'
        : 'seq ' + this.inflight.seq + ' is in flight'}`);
    }
    this.confirmed = ot.apply(this.confirmed, this.inflight.op);
    this.version = newVersion;
    this.inflight = null;
    if (this.buffer == null) {
      return null;
    }
    const [buffer, edits] = [this.buffer, this.bufferEdits];
    this.buffer = null;
    this.bufferEdits = 0;
    return this.#launch(buffer, edits);
  }

  /**
   * Another client's op, committed as `newVersion` on the server's document at newVersion - 1. Returns the op to
   * apply to the local text (already applied to `text`):
   *
   *   inflight' = T(inflight, r, left),  r' = T(r, inflight, right)
   *   buffer'   = T(buffer, r', left),   r'' = T(r', buffer, right)
   */
  applyRemote(newVersion, op) {
    if (newVersion !== this.version + 1) {
      throw new Error(`remote op for version ${newVersion} but this replica is at ${this.version}`);
    }
    this.confirmed = ot.apply(this.confirmed, op);
    this.version = newVersion;
    let remote = op;
    if (this.inflight != null) {
      const pending = ot.transform(this.inflight.op, remote, ot.LEFT);
      remote = ot.transform(remote, this.inflight.op, ot.RIGHT);
      // Relative to newVersion now: a resend must say so, or the server would transform it twice.
      this.inflight = { ...this.inflight, baseVersion: newVersion, op: pending };
    }
    if (this.buffer != null) {
      const pending = ot.transform(this.buffer, remote, ot.LEFT);
      remote = ot.transform(remote, this.buffer, ot.RIGHT);
      this.buffer = pending;
    }
    this.text = ot.apply(this.text, remote);
    return remote;
  }

  /**
   * The server sent the whole document (a fresh join after a stale resume, or a resync). Edits up to serverLastSeq
   * are in it; the rest are rebased onto it through d, the difference between what this replica last knew and the
   * snapshot:
   *
   *   pending  = buffer                      if inflight.seq <= serverLastSeq (base: confirmed + inflight)
   *            = compose(inflight, buffer)   otherwise                         (base: confirmed)
   *   pending' = T(pending, d, left),  local change = T(d, pending, right)
   *
   * pending' goes in flight under a new seq, after every seq the server or this client used. With `discard`, the
   * pending edits are dropped instead (the server refused one as invalid) and the local text becomes the snapshot.
   * Returns {localChange, submit}.
   */
  resync(snapshotText, snapshotVersion, serverLastSeq, discard = false) {
    let base = this.confirmed;
    let pending = this.buffer;
    let edits = this.bufferEdits;
    if (this.inflight != null && this.inflight.seq > serverLastSeq) {
      pending = pending == null ? this.inflight.op : ot.compose(this.inflight.op, pending);
      edits += this.inflight.edits;
    } else if (this.inflight != null) {
      base = ot.apply(base, this.inflight.op);
    }
    let localChange;
    let rebased = null;
    if (discard || pending == null) {
      localChange = ot.diff(this.text, snapshotText);
    } else {
      const d = ot.diff(base, snapshotText);
      rebased = ot.transform(pending, d, ot.LEFT);
      localChange = ot.transform(d, pending, ot.RIGHT);
    }
    this.text = ot.apply(this.text, localChange);
    this.confirmed = snapshotText;
    this.version = snapshotVersion;
    this.lastSeq = Math.max(this.lastSeq, serverLastSeq);
    this.inflight = null;
    this.buffer = null;
    this.bufferEdits = 0;
    const submit = rebased == null || rebased.length === 0 ? null : this.#launch(rebased, edits);
    return { localChange, submit };
  }

  /** A selection {anchor, head} in the server's document at `version`, mapped onto the local text. */
  toLocal(selection) {
    let s = selection;
    if (this.inflight != null) {
      s = ot.transformSelection(s, this.inflight.op);
    }
    if (this.buffer != null) {
      s = ot.transformSelection(s, this.buffer);
    }
    return s;
  }

  /** Puts op in flight under the next seq, cut to the message limit: what does not fit stays in the buffer. */
  #launch(op, edits) {
    const [head, tail] = ot.split(op, this.maxOpBytes);
    const last = tail.length === 0;
    this.inflight = { seq: ++this.lastSeq, baseVersion: this.version, op: head, edits: last ? edits : 0 };
    if (!last) {
      this.buffer = this.buffer == null ? tail : ot.compose(tail, this.buffer);
      this.bufferEdits += edits;
    }
    return this.inflight;
  }
}

/**
 * The protocol client of one editor on one document: hello, submits, carets, resume and resync. It owns no socket:
 * it calls `send(message)` with each message to send, and tells its owner what happened through `events`:
 *
 *   reset(text)           the first snapshot: the whole local text
 *   change(op, author)    the local text changed by op (code points): another client's edit (author is its id) or a
 *                         resync (author null). Apply it to the editor.
 *   participants(list)    who else is here: [{clientId, name, color, selection}], selection in local code points
 *   synced()              a snapshot or resume completed: the replica is live
 *   error(code, message)  the server refused something; shown to the user
 *   pending(count)        the number of unacknowledged local edits changed
 *   role(role)            what this editor may do: 'viewer' (read only), 'editor' or 'owner'
 *   access(rules)         the document's access rules, for owners: {user or '*': role or 'none'}
 *   history(versions)     the answer to requestHistory: [{version, time, clientId, author, inserted, deleted}]
 *   version(v, text)      the answer to fetchVersion
 *
 * Sends are paced under the server's rate limit (100 messages a second, bursts of 200) by a token bucket:
 * at most `rate` a second with bursts of `burst`. A submit waiting for a token stays in flight: when it goes out it
 * carries its op and baseVersion as transformed by then. Not a queue of frames, so nothing stale is ever sent.
 */
export class ProtocolClient {
  constructor({ clientId, name, color, send, events = {}, maxOpBytes = MAX_OP_BYTES, rate = 50, burst = 40,
    now = () => Date.now(), schedule = (fn, ms) => setTimeout(fn, ms) }) {
    this.clientId = clientId;
    this.name = name;
    this.color = color;
    this.sendMessage = send;
    this.events = events;
    this.maxOpBytes = maxOpBytes;
    this.now = now;
    this.schedule = schedule;
    this.rate = rate;
    this.burst = burst;
    this.tokens = burst;
    this.refilledAt = now();
    this.wakeScheduled = false;
    /** clientId -> {clientId, name, color, selection}; selections in local code points, kept current. */
    this.others = new Map();
    this.replica = null;
    this.isConnected = false;
    /**
     * A hello is on its way and its snapshot or resumed has not arrived: no submit goes out, so that none is on the
     * wire when a snapshot rebases the pending edits under a new seq (its first copy would be applied too).
     */
    this.awaitingAnswer = false;
    /** Seq of the in-flight submit sent on the current connection, or 0: what a resume must resend. */
    this.sentOnThisConnection = 0;
    this.highestAcked = 0;
    /** Drop pending edits at the next snapshot: the server refused one of them as invalid. */
    this.discardPending = false;
    /** This editor's selection {anchor, head} in local code points, to tell the server when it can. */
    this.caret = null;
    this.caretDirty = false;
    this.lastPending = 0;
    /** 'viewer', 'editor' or 'owner', as the server last said; null before the first answer. */
    this.role = null;
  }

  /** The local text (code points and all), or null before the first snapshot. */
  get text() {
    return this.replica == null ? null : this.replica.text;
  }

  get version() {
    return this.replica == null ? null : this.replica.version;
  }

  /** Whether the replica is live: connected, and the last hello answered. */
  get live() {
    return this.isConnected && !this.awaitingAnswer;
  }

  unacknowledged() {
    return this.replica == null ? 0 : this.replica.unacknowledged();
  }

  /** A connection opened: sends hello, resuming from the last version seen if there is one. */
  connected() {
    this.isConnected = true;
    this.awaitingAnswer = true;
    this.sentOnThisConnection = 0;
    this.#send(this.#hello(this.replica == null || this.discardPending ? null : this.replica.version));
  }

  /** The connection is gone; edits go on locally and are sent after the next connected(). */
  disconnected() {
    this.isConnected = false;
    this.awaitingAnswer = false;
    this.others.clear();
    this.#emitParticipants();
  }

  /** A new name or colour, for the next hello (the owner reconnects so that the others see it). */
  identify(name, color) {
    this.name = name;
    this.color = color;
  }

  /**
   * A local edit (code points) on the local text. Throws ot.InvalidOpError when it does not fit, which is a bug of
   * the caller: the editor and the replica disagree.
   */
  edit(op) {
    if (this.replica == null) {
      throw new Error('no document yet: wait for the snapshot');
    }
    if (op.length === 0) {
      return;
    }
    this.replica.applyLocal(op);
    this.#moveSelections(op);
    this.#drain();
  }

  /** This editor's selection moved (local code points); sent once nothing is in flight. */
  select(anchor, head) {
    if (this.caret != null && this.caret.anchor === anchor && this.caret.head === head) {
      return;
    }
    this.caret = { anchor, head };
    this.caretDirty = true;
    this.#drain();
  }

  /** Asks for the history, newest first: versions before `before` (all when null), at most `limit`. */
  requestHistory(before = null, limit = 50) {
    const m = { type: 'history', limit };
    if (before != null) {
      m.before = before;
    }
    this.#send(m);
  }

  /** Asks for the document's text at one version of its history. */
  fetchVersion(version) {
    this.#send({ type: 'fetch', version });
  }

  /** An owner gives `user` ('*' for everyone else signed in) a role: viewer, editor, owner or none. */
  setAccess(user, role) {
    this.#send({ type: 'access', user, role });
  }

  /** A message from the server, parsed. */
  receive(message) {
    if (message.type === 'batch') {
      for (const m of message.messages ?? []) {
        this.receive(m);
      }
      return;
    }
    switch (message.type) {
      case 'snapshot':
        this.#snapshot(message);
        break;
      case 'resumed':
        this.awaitingAnswer = false;
        this.#role(message.role, message.access);
        this.#present(message.participants);
        break;
      case 'role':
        this.#role(message.role);
        break;
      case 'access':
        this.events.access?.(message.rules ?? {});
        break;
      case 'history':
        this.events.history?.(message.versions ?? []);
        break;
      case 'version':
        this.events.version?.(message.version, message.text);
        break;
      case 'ack':
        this.#ack(message);
        break;
      case 'op':
        this.#remote(message);
        break;
      case 'presence': {
        const who = this.others.get(message.clientId);
        if (who != null && this.replica != null) {
          who.selection = message.selection == null ? null : this.replica.toLocal(message.selection);
          this.#emitParticipants();
        }
        break;
      }
      case 'joined':
        this.others.set(message.participant.clientId, { ...message.participant, selection: null });
        this.#emitParticipants();
        break;
      case 'left':
        this.others.delete(message.clientId);
        this.#emitParticipants();
        break;
      case 'error':
        this.#error(message);
        break;
      default:
        break; // unknown types are ignored, as the protocol asks
    }
    this.#drain();
  }

  /** Sends whatever is due and allowed: the in-flight submit if not yet sent on this connection, then the caret. */
  flush() {
    this.#drain();
  }

  #hello(lastVersion) {
    // batch: several messages may come in one frame when this editor falls behind (docs/protocol.md).
    const hello = { type: 'hello', clientId: this.clientId, name: this.name, color: this.color, batch: true };
    if (lastVersion != null) {
      hello.lastVersion = lastVersion;
    }
    return hello;
  }

  #snapshot(message) {
    this.awaitingAnswer = false;
    if (this.replica == null) {
      this.replica = new OtClient(message.text, message.version, message.lastSeq, this.maxOpBytes);
      this.events.reset?.(message.text);
    } else {
      const discard = this.discardPending;
      this.discardPending = false;
      const { localChange } = this.replica.resync(message.text, message.version, message.lastSeq, discard);
      if (localChange.length > 0) {
        this.events.change?.(localChange, null);
      }
    }
    this.highestAcked = Math.max(this.highestAcked, message.lastSeq);
    this.#role(message.role, message.access);
    this.#present(message.participants);
  }

  #role(role, access = null) {
    if (typeof role === 'string' && role !== this.role) {
      this.role = role;
      this.events.role?.(role);
    }
    if (access != null) {
      this.events.access?.(access);
    }
  }

  #ack(message) {
    const inflight = this.replica?.inflight;
    if (inflight != null && inflight.seq === message.seq) {
      this.highestAcked = message.seq;
      this.replica.acknowledge(message.seq, message.version);
      this.sentOnThisConnection = 0;
    } else if (message.seq > this.highestAcked) {
      // Never sent: the server and this client disagree. Start again from a snapshot rather than guess.
      this.events.error?.('client', `the server acknowledged seq ${message.seq}, which this editor never sent; `
          + 'reloading the document');
      this.#resync();
    } // else the second ack of a resent submit: already applied
  }

  #remote(message) {
    if (this.replica == null) {
      return;
    }
    let op;
    try {
      op = ot.normalize(message.op);
    } catch (e) {
      this.events.error?.('client', 'the server sent an op this editor cannot read: ' + e.message);
      this.#resync();
      return;
    }
    const change = this.replica.applyRemote(message.version, op);
    this.#moveSelections(change);
    if (change.length > 0) {
      this.events.change?.(change, message.author);
    }
  }

  #error(message) {
    this.events.error?.(message.code, message.message);
    const mine = message.seq != null && this.replica != null;
    if (mine && (message.code === 'stale_base' || message.code === 'future_base' || message.code === 'stale_seq')) {
      // The submit was refused and cannot be transformed here: ask for a snapshot and rebase onto it.
      this.#resync();
    } else if (mine && (message.code === 'invalid_op' || message.code === 'read_only')) {
      // A bug on this side, or edits made before the role became viewer: drop the pending edits and take the
      // server's document.
      this.discardPending = true;
      this.#resync();
    }
  }

  /** Hello WITHOUT lastVersion on the open connection: a resume would deliver ops already received a second time. */
  #resync() {
    if (!this.isConnected) {
      return;
    }
    this.awaitingAnswer = true;
    this.#send(this.#hello(null));
  }

  #present(list) {
    this.others.clear();
    for (const p of list ?? []) {
      const selection = p.selection == null || this.replica == null ? null : this.replica.toLocal(p.selection);
      this.others.set(p.clientId, { clientId: p.clientId, name: p.name, color: p.color, selection });
    }
    this.caretDirty = this.caret != null;
    this.events.synced?.();
    this.#emitParticipants();
  }

  /** Keeps the others' selections on the local text: through local edits, and others' ops. */
  #moveSelections(op) {
    if (op.length === 0) {
      return;
    }
    for (const p of this.others.values()) {
      if (p.selection != null) {
        p.selection = ot.transformSelection(p.selection, op);
      }
    }
  }

  #emitParticipants() {
    this.events.participants?.([...this.others.values()].map((p) => ({ ...p })));
  }

  /** Sends what is due, as far as the token bucket allows; schedules a retry for the rest. */
  #drain() {
    if (this.live && this.replica != null) {
      const inflight = this.replica.inflight;
      if (inflight != null && this.sentOnThisConnection !== inflight.seq) {
        if (this.#take()) {
          this.sentOnThisConnection = inflight.seq;
          this.#send({ type: 'submit', clientId: this.clientId, seq: inflight.seq,
            baseVersion: inflight.baseVersion, op: inflight.op });
        }
      } else if (inflight == null && this.caretDirty && this.caret != null) {
        // Only when nothing is in flight: then the local text is the server's document at `version`.
        if (this.#take()) {
          this.caretDirty = false;
          this.#send({ type: 'caret', version: this.replica.version, anchor: this.caret.anchor,
            head: this.caret.head });
        }
      }
    }
    const pending = this.unacknowledged();
    if (pending !== this.lastPending) {
      this.lastPending = pending;
      this.events.pending?.(pending);
    }
  }

  #take() {
    const now = this.now();
    this.tokens = Math.min(this.burst, this.tokens + (now - this.refilledAt) * this.rate / 1000);
    this.refilledAt = now;
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return true;
    }
    if (!this.wakeScheduled) {
      this.wakeScheduled = true;
      this.schedule(() => {
        this.wakeScheduled = false;
        this.#drain();
      }, Math.ceil((1 - this.tokens) * 1000 / this.rate));
    }
    return false;
  }

  #send(message) {
    this.sendMessage(message);
  }
}
