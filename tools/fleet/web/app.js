// The dispatchers' page (docs/FLEET.md, "The web service"): plain script,
// no framework, nothing from elsewhere. Every name reaches the page through
// textContent, never as markup; the one markup the service sends, a lock's
// audit report, goes through reportNode. The code is kept in the page only
// until "Done" (or two minutes, or a logout).
'use strict';

const $ = (id) => document.getElementById(id);
let me = null;
let codeTimer = null;
// The locks shown, and the dispatch form's choice of them: the pages loaded
// so far (a fleet may have 100,000 locks), of every lock or of a search.
let locks = [];
let lockSearch = '';
let auditLock = null; // the lock whose audit trail is shown, or asked for

function say(text, ok) {
  const m = $('msg');
  m.textContent = text;
  m.className = ok ? 'ok' : 'error';
}

async function api(path, body) {
  const init = {
    method: body === undefined ? 'GET' : 'POST',
    headers: { 'X-Requested-With': 'ownerlock-fleet' },
    credentials: 'same-origin',
    cache: 'no-store',
  };
  if (body !== undefined) {
    init.headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  let res;
  try {
    res = await fetch(path, init);
  } catch (e) {
    throw new Error('the service does not answer: ' + e.message);
  }
  let data = {};
  try {
    data = await res.json();
  } catch (e) {
    throw new Error('the service sent no JSON (HTTP ' + res.status + ')');
  }
  if (!res.ok) {
    if (res.status === 401 && data.kind === 'session') {
      showLogin();
    }
    throw new Error(data.error || 'HTTP ' + res.status);
  }
  return data;
}

function hideCode() {
  $('code').textContent = '';
  $('code-dispatch').textContent = '';
  $('code-view').hidden = true;
  if (codeTimer !== null) {
    clearTimeout(codeTimer);
    codeTimer = null;
  }
}

function showCode(dispatch, code) {
  $('code-dispatch').textContent = String(dispatch);
  $('code').textContent = code.slice(0, 4) + ' ' + code.slice(4);
  $('code-view').hidden = false;
  codeTimer = setTimeout(hideCode, 120000);
}

function showLogin() {
  me = null;
  hideCode();
  locks = [];
  lockSearch = '';
  $('lock-search').value = '';
  hideAudit();
  $('who').textContent = '';
  $('logout').hidden = true;
  $('main-view').hidden = true;
  $('login-view').hidden = false;
}

function cell(tr, text) {
  const td = document.createElement('td');
  td.textContent = text;
  tr.appendChild(td);
  return td;
}

function fillPeople() {
  const sel = $('dispatch-person');
  sel.replaceChildren();
  const lock = locks.find((l) => String(l.number) === $('dispatch-lock').value);
  for (const p of lock ? lock.people : []) {
    const o = document.createElement('option');
    o.value = p.name;
    o.textContent = p.name + ' (slot ' + p.slot + ')';
    sel.appendChild(o);
  }
}

function locksPath(after, limit) {
  const params = [];
  if (lockSearch !== '') {
    params.push('q=' + encodeURIComponent(lockSearch));
  }
  if (after !== null) {
    params.push('after=' + after);
  }
  params.push('limit=' + limit);
  return '/api/locks?' + params.join('&');
}

// keepChoice: the lock chosen stays chosen, or none is (never another).
function showLocks(more, keepChoice) {
  const lockBody = $('locks').tBodies[0];
  lockBody.replaceChildren();
  const sel = $('dispatch-lock');
  const chosen = sel.value;
  sel.replaceChildren();
  for (const lock of locks) {
    const tr = document.createElement('tr');
    cell(tr, lock.number);
    cell(tr, lock.name);
    cell(tr, lock.next_counter);
    cell(tr, lock.people.map((p) => p.name + ' (' + p.slot + ')').join(', '));
    cell(tr, '').appendChild(button('Audit trail', 'audit-' + lock.number, () => showAudit(lock)));
    lockBody.appendChild(tr);
    const o = document.createElement('option');
    o.value = String(lock.number);
    o.textContent = lock.number + ': ' + lock.name;
    sel.appendChild(o);
  }
  if (keepChoice && chosen) {
    sel.value = chosen;
  }
  fillPeople();
  $('locks-more').hidden = !more;
  $('locks-none').hidden = locks.length > 0;
}

// From the first lock again, as many as were shown (500 at most).
async function loadLocks(keepChoice) {
  const l = await api(locksPath(null, Math.min(500, Math.max(100, locks.length))));
  locks = l.locks;
  showLocks(l.more, keepChoice);
}

async function refresh() {
  await loadLocks(true);
  const d = await api('/api/dispatches?open=1');
  const body = $('dispatches').tBodies[0];
  body.replaceChildren();
  for (const x of d.dispatches) {
    const tr = document.createElement('tr');
    tr.id = 'dispatch-' + x.id;
    for (const k of ['id', 'lock', 'person', 'slot', 'counter', 'asked_by', 'approved_by',
      'asked_at', 'state']) {
      cell(tr, x[k] === null ? '-' : x[k]); // the counter: taken when the code is shown
    }
    const td = cell(tr, '');
    const mine = me !== null && x.asked_by === me.dispatcher;
    const state = x.state.replace(/^release: /, ''); // a release is approved the same way
    if (state === 'awaiting approval' && !mine) {
      td.appendChild(button('Approve', 'approve-' + x.id, () => act('/api/approve', x.id)));
    }
    if (state === 'approved, code not shown' && mine) {
      td.appendChild(button('Show code', 'code-' + x.id, () => act('/api/code', x.id)));
    }
    body.appendChild(tr);
  }
}

function button(text, id, onclick) {
  const b = document.createElement('button');
  b.type = 'button';
  b.id = id;
  b.textContent = text;
  b.addEventListener('click', onclick);
  return b;
}

async function act(path, dispatch) {
  try {
    const r = await api(path, { dispatch: dispatch });
    if (r.code) {
      showCode(r.dispatch, r.code);
    }
    say(r.message, true);
    await refresh();
  } catch (e) {
    say(e.message, false);
  }
}

// ---- a lock's audit trail: the owner's report, with its plots ----------------

// The report is the service's HTML (tools/common/audit_report.c, every name
// in it escaped there). Here it is parsed as an inert document (DOMParser
// runs nothing) and kept to the elements and attributes the report is made
// of before it joins the page: no script, no handler, no link, no style
// element, whatever the text. The page's Content-Security-Policy would stop
// an inline script or style anyway; the SVG's own attributes (fill, stroke)
// are no style and need nothing from it.
const REPORT_HTML = new Set(['div', 'p', 'h2', 'code', 'figure', 'figcaption', 'table', 'tbody',
  'tr', 'th', 'td']);
const REPORT_SVG = new Set(['svg', 'title', 'line', 'text', 'rect', 'path']);
const REPORT_ATTRIBUTES = new Set(['class', 'xmlns', 'width', 'height', 'viewBox', 'role', 'x',
  'y', 'x1', 'y1', 'x2', 'y2', 'font-size', 'fill', 'stroke', 'd']);

function reportNode(html) {
  const doc = new DOMParser().parseFromString(html, 'text/html');
  const root = doc.body.firstElementChild;
  if (root === null) {
    return document.createElement('div');
  }
  for (const el of [root, ...root.querySelectorAll('*')]) {
    const known = el.namespaceURI === 'http://www.w3.org/1999/xhtml' ? REPORT_HTML.has(el.localName)
      : el.namespaceURI === 'http://www.w3.org/2000/svg' && REPORT_SVG.has(el.localName);
    if (!known) {
      el.remove();
      continue;
    }
    for (const a of [...el.attributes]) {
      if (!REPORT_ATTRIBUTES.has(a.name)) {
        el.removeAttribute(a.name);
      }
    }
  }
  return root.isConnected ? document.adoptNode(root) : document.createElement('div');
}

function hideAudit() {
  auditLock = null;
  $('audit-view').hidden = true;
  $('audit-title').textContent = '';
  $('audit-summary').textContent = '';
  $('audit-message').hidden = true;
  $('audit-report').replaceChildren();
}

// A code on show stays (hidden with the rest of the main view, back with it):
// it is shown once, and leaving for a report must not lose it.
async function showAudit(lock) {
  hideAudit();
  auditLock = lock.number;
  $('main-view').hidden = true;
  $('audit-view').hidden = false;
  $('audit-title').textContent = 'Audit trail of lock ' + lock.number + ': ' + lock.name;
  $('audit-summary').textContent = 'loading the report…';
  try {
    const a = await api('/api/audit?lock=' + encodeURIComponent(lock.number));
    if (auditLock !== lock.number) {
      return; // left, or another lock asked for, meanwhile
    }
    $('audit-summary').textContent = 'Records ' + a.first + ' to ' + a.last + ': ' +
      (a.shown === a.stored ? 'all ' + a.stored + ' taken in'
        : 'the newest ' + a.shown + ' of the ' + a.stored + ' taken in') +
      (a.missing > 0 ? ' (' + a.missing + ' between them lost to the lock\'s ring)' : '') +
      '; ' + a.openings + ' openings, ' + a.wrong_codes + ' wrong codes and lockouts, ' +
      a.noted + ' records to note.';
    $('audit-report').replaceChildren(reportNode(a.html));
  } catch (e) {
    if (auditLock !== lock.number) {
      return;
    }
    $('audit-summary').textContent = '';
    $('audit-message').textContent = e.message;
    $('audit-message').hidden = false;
  }
}

$('audit-back').addEventListener('click', async () => {
  hideAudit();
  $('main-view').hidden = false;
  try {
    await refresh();
  } catch (e) {
    say(e.message, false);
  }
});

async function loggedIn(session) {
  me = session;
  hideAudit();
  $('who').textContent = 'dispatcher ' + session.dispatcher + ' (' + session.role + ')';
  $('logout').hidden = false;
  $('login-view').hidden = true;
  $('main-view').hidden = false;
  await refresh();
}

$('login-form').addEventListener('submit', async (ev) => {
  ev.preventDefault();
  const pw = $('login-password');
  try {
    const s = await api('/api/login', { name: $('login-name').value, password: pw.value });
    pw.value = '';
    say('logged in', true);
    await loggedIn(s);
  } catch (e) {
    pw.value = '';
    say(e.message, false);
  }
});

$('logout').addEventListener('click', async () => {
  try {
    await api('/api/logout', {});
    say('logged out', true);
  } catch (e) {
    say(e.message, false);
  }
  showLogin();
});

$('dispatch-lock').addEventListener('change', fillPeople);

$('lock-search-form').addEventListener('submit', async (ev) => {
  ev.preventDefault();
  lockSearch = $('lock-search').value.trim();
  locks = [];
  try {
    await loadLocks(false);
  } catch (e) {
    say(e.message, false);
  }
});

$('locks-more').addEventListener('click', async () => {
  try {
    const l = await api(locksPath(locks[locks.length - 1].number, 100));
    locks = locks.concat(l.locks);
    showLocks(l.more, true);
  } catch (e) {
    say(e.message, false);
  }
});

$('dispatch-form').addEventListener('submit', async (ev) => {
  ev.preventDefault();
  try {
    const r = await api('/api/dispatch',
      { lock: $('dispatch-lock').value, person: $('dispatch-person').value });
    if (r.code) {
      showCode(r.dispatch, r.code);
      say('dispatch ' + r.dispatch + ' recorded', true);
    } else {
      say('dispatch ' + r.dispatch + ' is awaiting approval by another dispatcher', true);
    }
    await refresh();
  } catch (e) {
    say(e.message, false);
  }
});

$('seal-form').addEventListener('submit', async (ev) => {
  ev.preventDefault();
  try {
    const r = await api('/api/seal',
      { dispatch: $('seal-dispatch').value.trim(), seal: $('seal-digits').value.trim() });
    say(r.message, true);
    $('seal-digits').value = '';
    await refresh();
  } catch (e) {
    say(e.message, false);
  }
});

$('code-done').addEventListener('click', hideCode);

(async () => {
  try {
    await loggedIn(await api('/api/session'));
  } catch (e) {
    showLogin();
  }
})();
