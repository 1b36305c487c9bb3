// The start page: a new document with a readable random name, any document by name, and the documents people are in
// now (the lobby channel, docs/protocol.md §9). Names are shown with textContent only.
import { ReconnectingSocket, channelUrl } from './connection.js';
import { protocolsForPage, withTokenUrl } from './auth.js';
import { documentIdProblem, randomDocumentId } from './names.js';

const $ = (id) => document.getElementById(id);

function editorUrl(id) {
  return withTokenUrl('edit.html?doc=' + encodeURIComponent(id));
}

$('new-document').addEventListener('click', () => {
  location.href = editorUrl(randomDocumentId());
});

$('open-form').addEventListener('submit', (event) => {
  event.preventDefault();
  const id = $('open-name').value.trim();
  const problem = documentIdProblem(id);
  $('open-problem').textContent = problem ?? '';
  $('open-name').setAttribute('aria-invalid', problem == null ? 'false' : 'true');
  if (problem == null) {
    location.href = editorUrl(id);
  }
});

$('open-name').addEventListener('input', () => {
  $('open-problem').textContent = '';
  $('open-name').removeAttribute('aria-invalid');
});

function people(n) {
  return n === 1 ? '1 person' : `${n} people`;
}

function render(documents) {
  const items = [...documents]
    .sort((a, b) => b.participants - a.participants || a.documentId.localeCompare(b.documentId))
    .map((d) => {
      const li = document.createElement('li');
      const link = document.createElement('a');
      link.href = editorUrl(d.documentId);
      link.textContent = d.documentId;
      const count = document.createElement('span');
      count.className = 'count';
      count.textContent = `${people(d.participants)} · ${d.length} characters`;
      li.append(link, count);
      return li;
    });
  $('active').replaceChildren(...items);
  $('active-empty').hidden = items.length > 0;
}

const lobby = new ReconnectingSocket({
  url: channelUrl('lobby'),
  protocols: protocolsForPage(),
  onMessage: (data) => {
    const message = JSON.parse(data);
    if (message.type === 'documents') {
      lobby.healthy();
      render(message.documents ?? []);
    }
  },
  onStatus: (status) => {
    const text = {
      open: 'Live',
      connecting: 'Connecting…',
      waiting: 'Lost the connection; trying again…',
      offline: 'Offline',
      closed: 'Not connected' + (status.reason ? `: ${status.reason}` : ''),
    }[status.state];
    $('lobby-status').textContent = text;
  },
});
lobby.start();
