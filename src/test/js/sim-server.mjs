// A simulated Coedit server for the client tests: the document authority and room of the Java server
// (dev.coedit.editing.control.DocumentAuthority and Room) reduced to what the protocol shows, driven by messages
// that go through JSON as on the wire. Its ot is the browser's; the Java tests check the Java one against the same
// golden cases.
import * as ot from './support-ot.mjs';

const SEQS_PER_CLIENT = 8;

export class SimServer {
  constructor({ text = '', window = 1000 } = {}) {
    this.text = text;
    this.version = 0;
    this.window = window;
    this.history = [];
    this.ledgers = new Map();
    this.members = new Map(); // link -> participant
    this.received = []; // every message, for assertions
    this.roles = new Map(); // clientId -> 'viewer' | 'editor' | 'owner'; editor when not set
  }

  roleOf(clientId) {
    return this.roles.get(clientId) ?? 'editor';
  }

  /** An owner changed what a client may do: it is told at once, as the Java room does. */
  setRole(clientId, role) {
    this.roles.set(clientId, role);
    for (const [link, p] of this.members) {
      if (p.clientId === clientId) {
        link.send({ type: 'role', role });
      }
    }
  }

  oldestBase() {
    return this.version - this.history.length;
  }

  since(from) {
    if (from < this.oldestBase() || from > this.version) {
      return null;
    }
    return this.history.filter((c) => c.version > from);
  }

  /** A link (one connection) delivers a client message. */
  handle(link, raw) {
    const message = JSON.parse(JSON.stringify(raw));
    this.received.push({ link, message });
    if (message.type === 'hello') {
      this.#join(link, message);
    } else if (message.type === 'submit') {
      this.#submit(link, message);
    } else if (message.type === 'caret') {
      this.#caret(link, message);
    }
  }

  /** The connection ended. */
  close(link) {
    const gone = this.members.get(link);
    this.members.delete(link);
    if (gone != null) {
      this.#broadcast({ type: 'left', clientId: gone.clientId }, link);
    }
  }

  #join(link, hello) {
    const previous = this.members.get(link);
    for (const [other, p] of this.members) {
      if (other !== link && p.clientId === hello.clientId) {
        this.members.delete(other);
        other.kill(1008, 'replaced by a newer connection of client ' + hello.clientId);
      }
    }
    const me = { clientId: hello.clientId, name: hello.name ?? 'Guest', color: hello.color ?? '#3b82f6',
      selection: previous?.selection ?? null };
    this.members.set(link, me);
    const lastSeq = this.ledgers.get(hello.clientId)?.lastSeq ?? 0;
    const missed = hello.lastVersion == null ? null : this.since(hello.lastVersion);
    if (missed != null) {
      for (const c of missed) {
        link.send(c.clientId === hello.clientId ? { type: 'ack', seq: c.seq, version: c.version }
          : { type: 'op', version: c.version, op: c.op, author: c.clientId });
      }
      link.send({ type: 'resumed', documentId: 'doc', version: this.version, lastSeq,
        participants: this.#others(link), role: this.roleOf(hello.clientId) });
    } else {
      link.send({ type: 'snapshot', documentId: 'doc', version: this.version, text: this.text, lastSeq,
        participants: this.#others(link), role: this.roleOf(hello.clientId) });
    }
    if (previous == null) {
      this.#broadcast({ type: 'joined', participant: me }, link);
    }
  }

  #submit(link, s) {
    if (this.roleOf(s.clientId) === 'viewer') {
      link.send({ type: 'error', code: 'read_only', message: `user of ${s.clientId} is a viewer`, seq: s.seq });
      return;
    }
    const ledger = this.ledgers.get(s.clientId);
    if (ledger != null && s.seq <= ledger.lastSeq) {
      const original = ledger.seqs.get(s.seq);
      if (original != null) {
        link.send({ type: 'ack', seq: s.seq, version: original });
      } else {
        link.send({ type: 'error', code: 'stale_seq', message: 'seq ' + s.seq + ' is old', seq: s.seq });
      }
      return;
    }
    if (s.baseVersion > this.version) {
      link.send({ type: 'error', code: 'future_base', message: 'future', seq: s.seq });
      return;
    }
    if (s.baseVersion < this.oldestBase()) {
      link.send({ type: 'error', code: 'stale_base', message: `base version ${s.baseVersion} is older than the `
          + `history kept`, seq: s.seq });
      return;
    }
    let op = ot.normalize(s.op);
    for (const c of this.history) {
      if (c.version > s.baseVersion) {
        op = ot.transform(op, c.op, ot.LEFT);
      }
    }
    try {
      this.text = ot.apply(this.text, op);
    } catch (e) {
      link.send({ type: 'error', code: 'invalid_op', message: e.message, seq: s.seq });
      return;
    }
    this.version++;
    const commit = { version: this.version, op, clientId: s.clientId, seq: s.seq };
    this.history.push(commit);
    if (this.history.length > this.window) {
      this.history.shift();
    }
    const l = this.ledgers.get(s.clientId) ?? { lastSeq: 0, seqs: new Map() };
    l.lastSeq = s.seq;
    l.seqs.set(s.seq, this.version);
    for (const old of l.seqs.keys()) {
      if (l.seqs.size > SEQS_PER_CLIENT) {
        l.seqs.delete(old);
      }
    }
    this.ledgers.set(s.clientId, l);
    for (const p of this.members.values()) {
      if (p.selection != null) {
        p.selection = ot.transformSelection(p.selection, op);
      }
    }
    link.send({ type: 'ack', seq: s.seq, version: this.version });
    this.#broadcast({ type: 'op', version: this.version, op, author: s.clientId }, link);
  }

  #caret(link, c) {
    const me = this.members.get(link);
    let selection = null;
    if (c.anchor != null) {
      const since = this.since(c.version);
      if (since == null) {
        link.send({ type: 'error', code: c.version > this.version ? 'future_base' : 'stale_base', message: 'caret' });
        return;
      }
      selection = { anchor: c.anchor, head: c.head };
      for (const commit of since) {
        selection = ot.transformSelection(selection, commit.op);
      }
    }
    me.selection = selection;
    this.#broadcast({ type: 'presence', clientId: me.clientId, version: this.version, selection }, link);
  }

  #others(link) {
    return [...this.members].filter(([l]) => l !== link).map(([, p]) => ({ ...p }));
  }

  #broadcast(message, except) {
    for (const l of this.members.keys()) {
      if (l !== except) {
        l.send(message);
      }
    }
  }
}

/**
 * One client on one simulated connection: messages wait in two FIFO queues (up to the server, down to the client)
 * until the test delivers them, so a test decides every interleaving.
 */
export class Link {
  /** @param client receives the server's messages: receive(message) */
  constructor(server, client) {
    this.server = server;
    this.client = client;
    this.up = [];
    this.down = [];
    this.open = true;
  }

  /** Server side: queue a message to the client. */
  send(message) {
    if (this.open) {
      this.down.push(JSON.parse(JSON.stringify(message)));
    }
  }

  /** Server side: the server closes this connection. */
  kill() {
    this.open = false;
    this.up.length = 0;
    this.down.length = 0;
  }

  deliverUp() {
    const m = this.up.shift();
    this.server.handle(this, m);
  }

  deliverDown() {
    const m = this.down.shift();
    this.client.receive(m);
  }

  pending() {
    return this.up.length + this.down.length;
  }
}
