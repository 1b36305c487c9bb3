// The editor page, edit.html?doc=<id>: wires CodeMirror (editor.js), the protocol client (client.js) and the socket
// (connection.js) together, and shows who is here and how the connection is. Every text that comes from a person or
// the server is set with textContent.

import { CollabEditor } from './editor.js';
import * as ot from './ot.js';
import { ProtocolClient } from './client.js';
import { CORRUPT_DOCUMENT, ReconnectingSocket, channelUrl } from './connection.js';
import { protocolsForPage, withTokenUrl } from './auth.js';
import { PALETTE, cleanName, documentIdProblem, loadIdentity, newClientId, randomColor, randomDisplayName,
  saveIdentity } from './names.js';

const $ = (id) => document.getElementById(id);

const documentId = new URLSearchParams(location.search).get('doc') ?? '';
const idProblem = documentIdProblem(documentId);

/** The client id of this tab: kept in sessionStorage across reloads, never shared by two tabs. */
async function tabClientId() {
  const KEY = 'coedit.clientId';
  let id = sessionStorage.getItem(KEY);
  let channel = null;
  if ('BroadcastChannel' in globalThis) {
    channel = new BroadcastChannel('coedit.clients');
    if (id != null) {
      // A duplicated tab starts with a copy of this tab's sessionStorage: ask whether a live tab has this id.
      const asked = id;
      const taken = await new Promise((resolve) => {
        const timer = setTimeout(() => resolve(false), 150);
        channel.onmessage = (event) => {
          if (event.data?.type === 'taken' && event.data.id === asked) {
            clearTimeout(timer);
            resolve(true);
          }
        };
        channel.postMessage({ type: 'probe', id: asked });
      });
      if (taken) {
        id = null;
      }
    }
  }
  if (id == null) {
    id = newClientId();
    sessionStorage.setItem(KEY, id);
  }
  if (channel != null) {
    const mine = id;
    channel.onmessage = (event) => {
      if (event.data?.type === 'probe' && event.data.id === mine) {
        channel.postMessage({ type: 'taken', id: mine });
      }
    };
  }
  return id;
}

/** The name and colour dialog; resolves with the identity chosen. */
function askIdentity(current) {
  const dialog = $('identity');
  const input = $('identity-name');
  const colors = $('identity-colors');
  colors.replaceChildren();
  for (const color of PALETTE) {
    const label = document.createElement('label');
    const radio = document.createElement('input');
    radio.type = 'radio';
    radio.name = 'color';
    radio.value = color;
    radio.checked = color === current.color;
    radio.setAttribute('aria-label', 'colour ' + color);
    const dot = document.createElement('span');
    dot.style.backgroundColor = color;
    label.append(radio, dot);
    colors.append(label);
  }
  if (!PALETTE.includes(current.color)) {
    colors.querySelector('input').checked = true;
  }
  input.value = current.name;
  return new Promise((resolve) => {
    dialog.addEventListener('close', () => {
      const name = cleanName(input.value) ?? current.name;
      const color = colors.querySelector('input:checked')?.value ?? current.color;
      resolve({ name, color });
    }, { once: true });
    dialog.showModal();
    input.select();
  });
}

function showIdentity(identity) {
  const me = $('me');
  me.querySelector('.swatch').style.backgroundColor = identity.color;
  me.querySelector('.who').textContent = identity.name;
}

const STATUS_KIND = { ok: 'ok', warn: 'warn', bad: 'bad' };

async function main() {
  document.querySelector('.brand').href = withTokenUrl('./');
  $('title').textContent = documentId || 'No document';
  document.title = (documentId || 'No document') + ' — Coedit';
  if (idProblem != null) {
    $('status').textContent = 'Cannot open this document';
    $('status').dataset.kind = STATUS_KIND.bad;
    $('error').textContent = idProblem;
    return;
  }

  let identity = loadIdentity();
  const firstVisit = identity == null;
  if (firstVisit) {
    identity = { name: randomDisplayName(), color: randomColor() };
    saveIdentity(identity);
  }
  showIdentity(identity);
  const clientId = await tabClientId();

  let people = [];
  let socketStatus = { state: 'connecting', attempt: 0 };
  let lastError = '';
  let countdown = null;

  const client = new ProtocolClient({
    clientId,
    name: identity.name,
    color: identity.color,
    send: (message) => socket.send(message),
    events: {
      reset: (text) => {
        editor.reset(text);
        editor.refreshCarets();
      },
      change: (op, author) => editor.applyRemote(op, author),
      participants: (list) => {
        people = list;
        renderPeople();
        editor.refreshCarets();
      },
      synced: () => {
        socket.healthy();
        lastError = '';
        renderStatus();
      },
      pending: () => renderStatus(),
      error: (code, message) => {
        lastError = code === 'client' ? message : `The server said: ${message} (${code})`;
        renderStatus();
      },
      role: (role) => {
        editor.setEditable(role !== 'viewer');
        renderRole(role);
        renderStatus();
      },
      access: (rules) => renderAccess(rules),
      history: (versions) => renderHistory(versions),
      version: (version, text) => showVersion(version, text),
    },
  });

  const editor = new CollabEditor($('editor'), {
    onLocalChange: (op) => client.edit(op),
    onSelection: (anchor, head) => client.select(anchor, head),
    carets: () => [...client.others.values()],
  });

  const socket = new ReconnectingSocket({
    url: channelUrl('docs/' + encodeURIComponent(documentId)),
    protocols: protocolsForPage(),
    onOpen: () => client.connected(),
    onMessage: (data) => {
      let message;
      try {
        message = JSON.parse(data);
      } catch (e) {
        lastError = 'The server sent something that is not JSON.';
        renderStatus();
        return;
      }
      client.receive(message);
    },
    onClose: (code, reason) => {
      client.disconnected();
      if (code === 1008 && /replaced/.test(reason)) {
        lastError = 'This document was opened again with this tab\'s identity; this copy stopped. Reload to edit here.';
      } else if (code === 1011 && CORRUPT_DOCUMENT.test(reason)) {
        lastError = `The server cannot open this document: its stored data is damaged (${reason}). `
          + 'Ask whoever runs the server to repair it; reconnecting will not help.';
      } else if (code !== 1000 && code !== 1001 && code !== 1006 && code < 4000 && reason) {
        lastError = `Connection closed: ${reason} (${code})`;
      }
      renderStatus();
    },
    onStatus: (status) => {
      socketStatus = status;
      renderStatus();
    },
  });

  function renderPeople() {
    const list = $('people');
    const items = [];
    const me = document.createElement('li');
    const mySwatch = document.createElement('span');
    mySwatch.className = 'swatch';
    mySwatch.style.backgroundColor = identity.color;
    const myName = document.createElement('span');
    myName.className = 'who';
    myName.textContent = identity.name;
    const you = document.createElement('span');
    you.className = 'you';
    you.textContent = '(you)';
    me.append(mySwatch, myName, you);
    items.push(me);
    for (const p of people) {
      const li = document.createElement('li');
      li.dataset.clientId = p.clientId;
      const swatch = document.createElement('span');
      swatch.className = 'swatch';
      swatch.style.backgroundColor = /^#[0-9a-fA-F]{6}$/.test(p.color) ? p.color : '#6b7280';
      const name = document.createElement('span');
      name.className = 'who';
      name.textContent = p.name;
      name.title = p.name;
      li.append(swatch, name);
      items.push(li);
    }
    list.replaceChildren(...items);
  }

  /** Says plainly when this editor may only read, and offers sharing to owners. */
  function renderRole(role) {
    const mode = $('mode');
    mode.hidden = role !== 'viewer';
    mode.textContent = role === 'viewer' ? 'Read only: you can view this document but not edit it' : '';
    $('share').hidden = role !== 'owner';
    document.body.dataset.role = role;
  }

  /**
   * The history panel: the stored versions, newest first, a page at a time (older pages are appended); one click
   * shows a version, and it can be restored.
   */
  let shownVersion = null;
  const HISTORY_PAGE = 50;
  let historyAppends = false; // whether the answer awaited is an older page, to go below what is listed

  function renderHistory(versions) {
    const items = versions.map((v) => {
      const li = document.createElement('li');
      const button = document.createElement('button');
      button.type = 'button';
      button.dataset.version = String(v.version);
      const when = document.createElement('span');
      when.className = 'when';
      when.textContent = `v${v.version} · ${new Date(v.time).toLocaleString()}`;
      const who = document.createElement('span');
      who.className = 'who';
      who.textContent = v.author || v.clientId;
      const size = document.createElement('span');
      size.className = 'size';
      size.textContent = `+${v.inserted} −${v.deleted}`;
      button.append(when, who, size);
      button.addEventListener('click', () => client.fetchVersion(v.version));
      li.append(button);
      return li;
    });
    if (historyAppends) {
      $('history-list').append(...items);
    } else {
      $('history-list').replaceChildren(...items);
    }
    historyAppends = false;
    const oldest = versions.at(-1)?.version;
    const older = $('history-older');
    older.hidden = versions.length < HISTORY_PAGE || oldest == null || oldest <= 1;
    older.disabled = false;
    older.dataset.before = String(oldest ?? '');
    $('history-empty').hidden = $('history-list').childElementCount > 0;
  }

  function showVersion(version, text) {
    shownVersion = { version, text };
    $('history-preview-title').textContent = `Version ${version}`;
    $('history-preview').textContent = text;
    $('history-restore').hidden = client.role === 'viewer';
  }

  /** The access rules, for owners: who has which role; '*' is everyone else who is signed in. */
  function renderAccess(rules) {
    const items = Object.entries(rules).map(([user, role]) => {
      const li = document.createElement('li');
      const who = document.createElement('span');
      who.className = 'who';
      who.textContent = user === '*' ? 'Everyone else signed in' : user;
      const what = document.createElement('span');
      what.className = 'role';
      what.textContent = role;
      li.append(who, what);
      return li;
    });
    $('access-rules').replaceChildren(...items);
  }

  function unsentText() {
    const n = client.unacknowledged();
    return n === 1 ? '1 unsent edit' : `${n} unsent edits`;
  }

  function renderStatus() {
    clearTimeout(countdown);
    countdown = null;
    const status = $('status');
    const pending = client.unacknowledged();
    let text;
    let kind;
    switch (socketStatus.state) {
      case 'open':
        if (client.live) {
          text = client.role === 'viewer' ? 'Connected — read only' : 'Connected';
          kind = STATUS_KIND.ok;
        } else {
          text = client.text == null ? 'Loading the document…' : 'Catching up…';
          kind = STATUS_KIND.warn;
        }
        break;
      case 'connecting':
        text = socketStatus.attempt > 0 ? `Reconnecting (attempt ${socketStatus.attempt})…` : 'Connecting…';
        kind = STATUS_KIND.warn;
        break;
      case 'waiting': {
        const seconds = Math.max(1, Math.ceil((socketStatus.until - Date.now()) / 1000));
        text = `Reconnecting in ${seconds}s (attempt ${socketStatus.attempt})`;
        kind = STATUS_KIND.warn;
        countdown = setTimeout(renderStatus, 250);
        break;
      }
      case 'offline':
        text = 'Offline';
        kind = STATUS_KIND.bad;
        break;
      default:
        text = 'Disconnected';
        kind = STATUS_KIND.bad;
        if (socketStatus.reason && !lastError) {
          lastError = `Connection closed: ${socketStatus.reason} (${socketStatus.code})`;
        }
    }
    if (socketStatus.state !== 'open' && pending > 0) {
      text += ` — ${unsentText()}`;
    }
    status.textContent = text;
    status.dataset.kind = kind;
    status.dataset.state = socketStatus.state;
    status.dataset.pending = String(pending);
    $('error').textContent = lastError;
  }

  async function changeIdentity() {
    const chosen = await askIdentity(identity);
    const changed = chosen.name !== identity.name || chosen.color !== identity.color;
    identity = chosen;
    saveIdentity(identity);
    showIdentity(identity);
    renderPeople();
    if (changed) {
      client.identify(identity.name, identity.color);
      // The server shows the name of a connection's first hello to the others: reconnect so they see this one.
      if (socket.isOpen) {
        socket.restart();
      }
    }
    editor.focus();
  }

  $('me').addEventListener('click', changeIdentity);
  $('share').addEventListener('click', () => $('access').showModal());
  $('history-open').addEventListener('click', () => {
    shownVersion = null;
    $('history-preview-title').textContent = 'Pick a version';
    $('history-preview').textContent = '';
    $('history-restore').hidden = true;
    historyAppends = false;
    $('history-older').hidden = true;
    client.requestHistory(null, HISTORY_PAGE);
    $('history').showModal();
  });
  $('history-older').addEventListener('click', () => {
    const older = $('history-older');
    older.disabled = true; // one page at a time: answers come in order, and this one goes below the list
    historyAppends = true;
    client.requestHistory(Number(older.dataset.before), HISTORY_PAGE);
  });
  $('history-restore').addEventListener('click', () => {
    if (shownVersion == null || client.text == null || client.role === 'viewer') {
      return;
    }
    // A new edit that turns today's text into the old one: everyone sees it, and it is in the history too.
    editor.applyAsLocal(ot.diff(client.text, shownVersion.text));
    $('history').close();
    editor.focus();
  });
  $('access-form').addEventListener('submit', (event) => {
    const user = $('access-user').value.trim();
    if (event.submitter?.value === 'apply' && user !== '') {
      client.setAccess(user, $('access-role').value);
    }
  });
  $('copy-link').addEventListener('click', async () => {
    try {
      await navigator.clipboard.writeText(location.href);
      $('copy-link').textContent = 'Copied';
    } catch (e) {
      $('copy-link').textContent = 'Copy failed';
    }
    setTimeout(() => { $('copy-link').textContent = 'Copy link'; }, 1500);
  });
  window.addEventListener('pagehide', () => socket.stop(1000, 'page closed'));
  const failures = [];
  window.addEventListener('error', (event) => {
    failures.push(String(event.message));
    lastError = 'Something went wrong in this page: ' + event.message + ' — reload to be safe.';
    renderStatus();
  });

  // Hooks for the browser tests (it-tests/.../browser) and for anyone curious in the console.
  window.coeditTest = {
    clientId,
    text: () => editor.text(),
    replicaText: () => client.text,
    version: () => client.version,
    unsent: () => client.unacknowledged(),
    live: () => client.live,
    status: () => $('status').textContent,
    deferring: () => editor.deferring,
    failures: () => failures.slice(),
    goOffline: (ms = Infinity) => socket.hold(ms),
    goOnline: () => socket.resume(),
    role: () => client.role,
    openHistory: () => $('history-open').click(),
    editable: () => editor.editable,
  };

  renderPeople();
  renderStatus();
  socket.start();
  if (firstVisit) {
    changeIdentity();
  } else {
    editor.focus();
  }
}

main().catch((e) => {
  $('status').textContent = 'The editor failed to start';
  $('status').dataset.kind = STATUS_KIND.bad;
  $('error').textContent = String(e?.message ?? e);
  throw e;
});
