// The protocol client (webapp/js/client.js) against a simulated server: scripted hard cases of protocol.md §7, and
// seeded random runs with reordered delivery, lost connections, resumes and snapshots, in which every client must end
// with the server's text and no edit may be lost or applied twice.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { random, seeds, webappModule } from './support.mjs';
import { Link, SimServer } from './sim-server.mjs';

const ot = await import(webappModule('ot.js'));
const { ProtocolClient, OtClient, SYNCHRONIZED, AWAITING_CONFIRM, AWAITING_WITH_BUFFER } =
    await import(webappModule('client.js'));

/** A client as an editor page runs it, with an "editor" that applies every change it is told about. */
class Peer {
  constructor(server, id, options = {}) {
    this.server = server;
    this.id = id;
    this.link = null;
    this.editor = null; // the editor's text, kept only through the client's events
    this.errors = [];
    this.participants = [];
    this.pending = 0;
    this.sent = [];
    this.snapshots = 0;
    this.roles = [];
    this.client = new ProtocolClient({
      clientId: id, name: 'name-' + id, color: '#112233',
      send: (m) => {
        this.sent.push(JSON.parse(JSON.stringify(m)));
        if (this.link?.open) {
          this.link.up.push(JSON.parse(JSON.stringify(m)));
        }
      },
      events: {
        reset: (text) => { this.editor = text; },
        change: (op) => { this.editor = ot.apply(this.editor, op); },
        error: (code, message) => this.errors.push({ code, message }),
        participants: (list) => { this.participants = list; },
        pending: (n) => { this.pending = n; },
        role: (role) => { this.roles.push(role); },
      },
      rate: 1e9, burst: 1e9,
      ...options,
    });
  }

  /** A message from the server reaches the client. */
  receive(message) {
    if (message.type === 'snapshot') {
      this.snapshots++;
    }
    this.client.receive(message);
  }

  connect() {
    this.link = new Link(this.server, this);
    this.client.connected();
    return this;
  }

  /** The connection drops: the first `arrive` queued messages still reach the server, the rest are lost. */
  drop(arrive = 0) {
    for (let i = 0; i < arrive && this.link.up.length > 0; i++) {
      this.link.deliverUp();
    }
    this.link.open = false;
    this.link.up.length = 0;
    this.link.down.length = 0;
    this.server.close(this.link);
    this.client.disconnected();
  }

  /** A local edit, as the editor makes it: its own text changes, then the client hears of it. */
  edit(op) {
    this.editor = ot.apply(this.editor, op);
    this.client.edit(op);
    this.check();
  }

  type(at, text) {
    this.edit(ot.builder().skip(at).insert(text).build());
  }

  erase(at, n) {
    this.edit(ot.builder().skip(at).delete(n).build());
  }

  check() {
    assert.equal(this.editor, this.client.text, `${this.id}: the editor and the replica agree`);
  }

  sentOfType(type) {
    return this.sent.filter((m) => m.type === type);
  }
}

/** Delivers every queued message, in order per link, links interleaved by rnd (or round robin). */
function settle(links, rnd = null) {
  for (let guard = 0; guard < 100_000; guard++) {
    const busy = links.filter((l) => l.open && l.pending() > 0);
    if (busy.length === 0) {
      return;
    }
    const l = rnd ? rnd.pick(busy) : busy[0];
    if (l.up.length > 0 && (l.down.length === 0 || (rnd ? rnd.next() < 0.5 : true))) {
      l.deliverUp();
    } else {
      l.deliverDown();
    }
  }
  throw new Error('the network never settled');
}

function joined(server, ...ids) {
  const peers = ids.map((id) => new Peer(server, id).connect());
  settle(peers.map((p) => p.link));
  return peers;
}

describe('the three states of protocol.md §7', () => {
  test('a local edit in Synchronized is sent at once and awaits its ack', () => {
    const server = new SimServer();
    const [a] = joined(server, 'a');
    a.type(0, 'hi');
    assert.equal(a.client.replica.state, AWAITING_CONFIRM);
    assert.deepEqual(a.link.up, [{ type: 'submit', clientId: 'a', seq: 1, baseVersion: 0, op: ['hi'] }]);
    assert.equal(a.pending, 1);
    settle([a.link]);
    assert.equal(a.client.replica.state, SYNCHRONIZED);
    assert.equal(a.pending, 0);
    assert.equal(server.text, 'hi');
  });

  test('edits while one is in flight are composed into one buffer, sent after the ack', () => {
    const server = new SimServer();
    const [a] = joined(server, 'a');
    a.type(0, 'a');
    a.type(1, 'b');
    a.type(2, 'c');
    assert.equal(a.client.replica.state, AWAITING_WITH_BUFFER);
    assert.equal(a.pending, 3);
    assert.equal(a.link.up.length, 1, 'one submit in flight');
    a.link.deliverUp();
    a.link.deliverDown(); // the ack
    assert.deepEqual(a.link.up, [{ type: 'submit', clientId: 'a', seq: 2, baseVersion: 1, op: [1, 'bc'] }]);
    settle([a.link]);
    assert.equal(server.text, 'abc');
    assert.equal(a.pending, 0);
  });

  test('a remote op transforms the in-flight op and the buffer, and the in-flight base version advances', () => {
    const server = new SimServer({ text: '' });
    const [a, b] = joined(server, 'a', 'b');
    a.type(0, 'AAA');
    a.type(3, 'aaa'); // buffer
    b.type(0, 'B');
    b.link.deliverUp(); // b's op is committed first as version 1
    a.link.deliverDown(); // joined? no: a hears b's op
    while (a.link.down.length > 0) {
      a.link.deliverDown();
    }
    const inflight = a.client.replica.inflight;
    assert.equal(inflight.baseVersion, 1, 'relative to the version it was transformed to');
    assert.deepEqual(inflight.op, ['AAA'], 'the late op takes the left side of the tie');
    a.check();
    settle([a.link, b.link]);
    assert.equal(a.client.text, server.text);
    assert.equal(b.client.text, server.text);
    assert.equal(server.text, 'AAAaaaB');
  });

  test('a caret is sent only when nothing is in flight, on the version it refers to', () => {
    const server = new SimServer();
    const [a, b] = joined(server, 'a', 'b');
    a.type(0, 'hello');
    a.client.select(5, 5);
    assert.equal(a.sentOfType('caret').length, 0, 'not while a submit is in flight');
    settle([a.link, b.link]);
    assert.deepEqual(a.sentOfType('caret'), [{ type: 'caret', version: 1, anchor: 5, head: 5 }]);
    assert.deepEqual(b.participants.map((p) => [p.clientId, p.selection]), [['a', { anchor: 5, head: 5 }]]);
  });

  test('a presence is mapped through local edits in flight, and others\' carets move with the text', () => {
    const server = new SimServer({ text: '' });
    const [a, b] = joined(server, 'a', 'b');
    a.type(0, 'xyz');
    settle([a.link, b.link]);
    a.client.select(3, 3);
    b.type(0, '😀😀'); // in flight when a's presence arrives
    settle([a.link]);
    b.link.deliverDown();
    assert.deepEqual(b.participants[0].selection, { anchor: 5, head: 5 }, 'mapped through the in-flight insert');
    settle([a.link, b.link]);
    assert.deepEqual(a.participants[0].selection, null);
  });
});

describe('hello, resume and resync', () => {
  test('no submit goes out between a hello and its snapshot or resumed', () => {
    const server = new SimServer();
    const [a] = joined(server, 'a');
    a.type(0, 'one');
    settle([a.link]);
    a.drop();
    a.type(3, ' two');
    a.connect();
    assert.deepEqual(a.link.up.map((m) => m.type), ['hello']);
    a.type(7, ' three');
    assert.deepEqual(a.link.up.map((m) => m.type), ['hello'], 'still only the hello');
    assert.equal(a.link.up[0].lastVersion, 1);
    settle([a.link]);
    assert.equal(server.text, 'one two three');
    assert.equal(a.pending, 0);
  });

  test('after a resume the in-flight submit is resent with its seq, its op as transformed and the current version',
    () => {
      const server = new SimServer({ text: '' });
      const [a, b] = joined(server, 'a', 'b');
      a.type(0, 'abc');
      a.drop(); // the submit is lost
      b.type(0, 'XY');
      settle([b.link]);
      a.connect();
      a.link.deliverUp(); // hello with lastVersion 0
      while (a.link.down.length > 0) {
        a.link.deliverDown(); // b's op, then resumed
      }
      const resent = a.link.up.filter((m) => m.type === 'submit');
      assert.deepEqual(resent, [{ type: 'submit', clientId: 'a', seq: 1, baseVersion: 1, op: ['abc'] }]);
      settle([a.link, b.link]);
      assert.equal(server.text, 'abcXY');
      assert.equal(b.client.text, 'abcXY');
    });

  test('a submit committed before the connection dropped is acknowledged during the resume, not applied twice', () => {
    const server = new SimServer();
    const [a, b] = joined(server, 'a', 'b');
    a.type(0, 'once');
    a.drop(1); // the submit reaches the server; its ack is lost
    a.type(4, '!');
    a.connect();
    settle([a.link, b.link]);
    assert.equal(server.text, 'once!');
    assert.equal(a.client.text, 'once!');
    assert.equal(b.client.text, 'once!');
  });

  test('a resent submit whose first copy was committed is only acknowledged again', () => {
    const server = new SimServer({ window: 1000 });
    const [a] = joined(server, 'a');
    a.type(0, 'x');
    a.link.deliverUp(); // committed; the ack waits in the down queue
    // The connection drops with the ack unread, and the client resumes from version 0: the server resends the ack.
    a.link.down.length = 0;
    a.drop();
    a.connect();
    settle([a.link]);
    assert.equal(server.text, 'x');
    assert.equal(server.version, 1);
  });

  test('a resume too old for the history gets a snapshot, and pending edits are rebased on it under a new seq', () => {
    const server = new SimServer({ window: 2 });
    const [a, b] = joined(server, 'a', 'b');
    a.type(0, 'base ');
    settle([a.link, b.link]);
    a.drop();
    a.type(5, 'mine'); // in flight, never sent
    a.type(9, '!'); // buffer
    for (let i = 0; i < 5; i++) {
      b.type(0, String(i));
      settle([b.link]);
    }
    a.connect();
    settle([a.link, b.link]);
    assert.ok(a.link.down.length === 0);
    assert.equal(server.text, '43210base mine!');
    assert.equal(a.client.text, server.text);
    assert.equal(b.client.text, server.text);
    const submits = a.sentOfType('submit');
    assert.deepEqual(submits.at(-1).seq, 3, 'after every seq used: seq 2 was never acknowledged');
    assert.equal(a.pending, 0);
  });

  test('a snapshot after the in-flight submit was committed keeps only the buffer pending', () => {
    const server = new SimServer({ window: 1 });
    const [a, b] = joined(server, 'a', 'b');
    a.type(0, 'one');
    a.drop(1); // committed, ack lost
    a.type(3, 'two');
    b.type(0, '>');
    settle([b.link]);
    b.type(0, '>');
    settle([b.link]); // the history window (1) no longer holds version 1
    a.connect();
    settle([a.link, b.link]);
    assert.equal(server.text, '>>onetwo');
    assert.equal(a.client.text, server.text);
  });

  test('stale_base for a submit makes a hello WITHOUT lastVersion on the open connection, then a rebase', () => {
    const server = new SimServer({ window: 1 });
    const [a, b] = joined(server, 'a', 'b');
    a.type(0, 'a');
    b.type(0, 'b1');
    settle([b.link]);
    b.type(0, 'b2');
    settle([b.link]); // a's submit, based on version 0, is now older than the history
    settle([a.link]);
    assert.ok(a.errors.some((e) => e.code === 'stale_base'));
    const hellos = a.sentOfType('hello');
    assert.equal(hellos.length, 2);
    assert.equal('lastVersion' in hellos[1], false, 'no lastVersion: ops received would arrive a second time');
    assert.equal(server.text, a.client.text);
    assert.ok(server.text.includes('a'));
    settle([a.link, b.link]);
    assert.equal(b.client.text, server.text);
  });

  test('invalid_op drops the pending edits and takes the server\'s document', () => {
    const server = new SimServer({ text: '' });
    const [a] = joined(server, 'a');
    a.type(0, 'ok');
    settle([a.link]);
    // An op the server cannot apply, as a client bug would produce: a delete past the end.
    a.client.replica.text = 'okay';
    a.editor = 'okay';
    a.edit([2, { d: 2 }]);
    settle([a.link]);
    assert.deepEqual(a.errors.map((e) => e.code), ['invalid_op']);
    assert.equal(a.client.text, 'ok');
    assert.equal(a.editor, 'ok');
    assert.equal(a.pending, 0);
  });

  test('the role comes with the snapshot and with every change; a viewer\'s edits are refused and dropped', () => {
    const server = new SimServer({ text: 'shared' });
    const [a, b] = joined(server, 'a', 'b');
    assert.deepEqual(a.roles, ['editor']);
    server.setRole('a', 'viewer');
    settle([a.link, b.link]);
    assert.deepEqual(a.roles, ['editor', 'viewer']);
    assert.equal(a.client.role, 'viewer');
    // Typed before the editor turned read-only (or by a client that ignores the role): refused, nothing changes.
    a.type(0, 'x');
    settle([a.link, b.link]);
    assert.deepEqual(a.errors.map((e) => e.code), ['read_only']);
    assert.equal(server.text, 'shared');
    assert.equal(a.client.text, 'shared');
    assert.equal(a.editor, 'shared');
    assert.equal(a.pending, 0);
    // Still a reader: others' edits arrive.
    b.type(6, '!');
    settle([a.link, b.link]);
    assert.equal(a.client.text, 'shared!');
    server.setRole('a', 'editor');
    settle([a.link, b.link]);
    a.type(0, '>');
    settle([a.link, b.link]);
    assert.equal(server.text, '>shared!');
    assert.equal(b.client.text, '>shared!');
  });

  test('a batch is handled as its messages in order, and the hello asks for batches', () => {
    const server = new SimServer({ text: '' });
    const [a] = joined(server, 'a');
    assert.equal(a.sentOfType('hello')[0].batch, true);
    const op1 = { type: 'op', version: 1, op: ['ab'], author: 'z' };
    const op2 = { type: 'op', version: 2, op: [2, 'c'], author: 'z' };
    a.receive({ type: 'batch', messages: [op1, op2] });
    assert.equal(a.client.text, 'abc');
    assert.equal(a.editor, 'abc');
    assert.equal(a.client.version, 2);
  });

  test('a replaced connection gets no further messages', () => {
    const server = new SimServer();
    const [a] = joined(server, 'a');
    const old = a.link;
    a.connect(); // the same client id again, as a reconnect racing the old connection
    settle([a.link]);
    assert.equal(old.open, false);
  });
});

describe('a large paste', () => {
  test('100,000 characters travel as successive submits, each under the message limit', () => {
    const server = new SimServer({ text: 'start end' });
    const [a, b] = joined(server, 'a', 'b');
    const paste = ('Large paste 한국어 😀 line\n').repeat(5000).slice(0, 100_000);
    a.edit(ot.builder().skip(6).insert(paste).build());
    assert.equal(a.pending, 1, 'one edit, however many submits');
    settle([a.link, b.link]);
    const submits = a.sentOfType('submit').length;
    for (const m of a.sent) {
      assert.ok(Buffer.byteLength(JSON.stringify(m)) < 65_536, 'under the server limit');
    }
    assert.ok(submits >= 2, `cut into ${submits} submits`);
    assert.equal(server.text, 'start ' + paste + 'end');
    assert.equal(b.client.text, server.text);
    assert.equal(a.pending, 0);
  });

  test('a paste cut in parts stays in one piece when remote edits arrive between the parts', () => {
    const server = new SimServer({ text: 'xy' });
    const [a, b] = joined(server, 'a', 'b');
    const paste = 'é'.repeat(40_000); // 2 bytes each: 80 KB
    a.edit([1, paste]);
    a.link.deliverUp();
    b.type(0, '<');
    b.type(3, '>');
    settle([a.link, b.link], random(7));
    assert.equal(server.text, '<x' + paste + 'y>');
    assert.equal(a.client.text, server.text);
    assert.equal(b.client.text, server.text);
  });
});

describe('pacing under the server\'s rate limit', () => {
  test('submits and carets wait for tokens, and go out with their latest op and version', () => {
    let now = 0;
    const timers = [];
    const server = new SimServer();
    const a = new Peer(server, 'a', { rate: 10, burst: 2, now: () => now, schedule: (fn, ms) => timers.push({ fn, at: now + ms }) });
    a.connect();
    settle([a.link]);
    a.type(0, '1');
    settle([a.link]); // token 1 used
    a.type(1, '2');
    settle([a.link]); // token 2 used
    a.type(2, '3');
    assert.equal(a.link.up.length, 0, 'no token left');
    a.type(3, '4');
    assert.equal(timers.length, 1, 'one wake-up scheduled');
    now = timers[0].at;
    timers.shift().fn();
    assert.deepEqual(a.link.up.map((m) => m.op), [[2, '3']], 'the in-flight submit goes out with a token');
    settle([a.link]);
    assert.equal(a.link.up.length, 0, 'the buffer waits for the next token');
    assert.equal(timers.length, 1);
    now = timers[0].at;
    timers.shift().fn();
    assert.deepEqual(a.link.up.map((m) => m.op), [[3, '4']]);
    settle([a.link]);
    assert.equal(server.text, '1234');
  });
});

describe('seeded random runs: reordered delivery, dropped connections, resumes and snapshots', () => {
  for (const seed of seeds(150)) {
    test(`seed ${seed}`, () => {
      const rnd = random(seed);
      const server = new SimServer({ text: 'seed', window: 1 + rnd.int(12) });
      const peers = ['p0', 'p1', 'p2'].map((id) => new Peer(server, id).connect());
      settle(peers.map((p) => p.link));
      let token = 0;
      const inserted = [];
      const context = () => `seed ${seed}, window ${server.window}`;
      for (let step = 0; step < 200; step++) {
        const p = rnd.pick(peers);
        const r = rnd.next();
        if (p.client.text == null) {
          // not joined yet
        } else if (r < 0.35) {
          const text = `<${p.id}.${token++}${rnd.pick(['', '😀', '한', 'e\u0301'])}>`;
          inserted.push(text);
          const positions = markerBoundaries(p.client.text);
          p.type(rnd.pick(positions), text);
        } else if (r < 0.45) {
          p.client.select(0, ot.cpLength(p.client.text));
        } else if (r < 0.5 && p.link.open) {
          p.drop(rnd.int(3));
        } else if (r < 0.6 && !p.link.open) {
          p.connect();
        } else {
          const busy = peers.filter((x) => x.link.open && x.link.pending() > 0);
          if (busy.length > 0) {
            const l = rnd.pick(busy).link;
            if (l.up.length > 0 && (l.down.length === 0 || rnd.next() < 0.5)) {
              l.deliverUp();
            } else {
              l.deliverDown();
            }
          }
        }
        for (const x of peers) {
          x.check();
        }
      }
      for (const p of peers) {
        if (!p.link.open) {
          p.connect();
        }
      }
      settle(peers.map((p) => p.link), rnd);
      settle(peers.map((p) => p.link), rnd);
      for (const p of peers) {
        assert.equal(p.client.text, server.text, `${p.id} converged; ${context()}`);
        assert.equal(p.pending, 0, `${p.id} has nothing pending; ${context()}`);
        assert.deepEqual(p.errors.filter((e) => e.code !== "stale_base"), [], context());
      }
      // Nothing lost, nothing doubled: the document holds exactly the initial text and every insert, character for
      // character. A rebase onto a snapshot goes through a diff (protocol.md §7), which may shift an insert by a few
      // characters where the text repeats itself, so markers are checked whole only in runs without a rebase.
      const expected = [...'seed' + inserted.join('')].sort().join('');
      assert.equal([...server.text].sort().join(''), expected, `every inserted character exactly once; ${context()}`);
      const rebased = peers.some((p) => p.snapshots > 1);
      if (!rebased) {
        for (const text of inserted) {
          assert.equal(server.text.split(text).length - 1, 1, `${JSON.stringify(text)} is there once; ${context()}`);
        }
      }
    });
  }

  /** Code point offsets between markers (<...>), so that an insert never lands inside another one. */
  function markerBoundaries(text) {
    const out = [0];
    let depth = 0;
    let cp = 0;
    for (const ch of text) {
      cp++;
      if (ch === '<') {
        depth++;
      } else if (ch === '>') {
        depth--;
      }
      if (depth === 0) {
        out.push(cp);
      }
    }
    return out;
  }
});

describe('the replica alone (OtClient)', () => {
  test('an ack for a seq not in flight is a broken invariant', () => {
    const c = new OtClient('', 0, 0);
    assert.throws(() => c.acknowledge(1, 1), /nothing is in flight/);
  });

  test('a remote op for a version not next is a broken invariant', () => {
    const c = new OtClient('', 3, 0);
    assert.throws(() => c.applyRemote(5, ['x']), /version 5 but this replica is at 3/);
  });
});
