// The monitoring page: the admin channel's state (docs/protocol.md §8) as live tables. Text from the server goes in
// with textContent only.
import { ReconnectingSocket, channelUrl } from './connection.js';
import { protocolsForPage, withTokenUrl } from './auth.js';

const $ = (id) => document.getElementById(id);

function cell(text, numeric = false) {
  const td = document.createElement('td');
  td.textContent = text == null ? '' : String(text);
  if (numeric) {
    td.className = 'num';
  }
  return td;
}

function time(iso) {
  if (!iso) {
    return '';
  }
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? String(iso) : date.toLocaleTimeString();
}

function emptyRow(columns, text) {
  const tr = document.createElement('tr');
  const td = cell(text);
  td.colSpan = columns;
  td.className = 'empty';
  tr.append(td);
  return tr;
}

function render(state) {
  const documents = state.documents ?? [];
  const sessions = state.sessions ?? [];
  $('total-documents').textContent = String(documents.length);
  $('total-sessions').textContent = String(sessions.length);
  $('total-opened').textContent = String(state.connectionsOpened ?? 0);
  const docRows = [...documents].sort((a, b) => a.documentId.localeCompare(b.documentId)).map((d) => {
    const tr = document.createElement('tr');
    const name = cell('');
    const link = document.createElement('a');
    link.href = withTokenUrl('edit.html?doc=' + encodeURIComponent(d.documentId));
    link.textContent = d.documentId;
    name.append(link);
    tr.append(name, cell(d.version, true), cell(d.length, true), cell(d.participants, true));
    return tr;
  });
  $('documents').replaceChildren(...(docRows.length > 0 ? docRows : [emptyRow(4, 'No documents open.')]));
  const sessionRows = [...sessions].sort((a, b) => (a.documentId ?? '').localeCompare(b.documentId ?? ''))
    .map((s) => {
      const tr = document.createElement('tr');
      tr.append(cell(s.documentId), cell(s.user), cell(s.name), cell(s.clientId), cell(time(s.connectedAt)),
        cell(time(s.lastActivity)), cell(s.messagesIn, true), cell(s.messagesOut, true));
      return tr;
    });
  $('sessions').replaceChildren(...(sessionRows.length > 0 ? sessionRows : [emptyRow(8, 'No connections.')]));
}

const admin = new ReconnectingSocket({
  url: channelUrl('admin'),
  protocols: protocolsForPage(),
  onMessage: (data) => {
    const message = JSON.parse(data);
    if (message.type === 'state') {
      admin.healthy();
      render(message.state ?? {});
    }
  },
  onStatus: (status) => {
    $('admin-status').textContent = {
      open: 'Live',
      connecting: 'Connecting…',
      waiting: 'Lost the connection; trying again…',
      offline: 'Offline',
      closed: 'Not connected' + (status.reason ? `: ${status.reason}` : ''),
    }[status.state];
  },
});
admin.start();
