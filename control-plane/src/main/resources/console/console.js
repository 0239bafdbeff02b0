// Beacon ops console. Vanilla JS, no dependencies, served from the control plane's jar.
// Text from the server is only ever set with textContent, never parsed as HTML: nothing it says can become markup.
(function () {
  'use strict';

  const POLL_MS = 3000;
  let csrf = null;            // {header, token} of this session, from /console/api/session
  let timer = null;
  const rendered = {};        // section -> JSON last rendered, so unchanged tables are not rebuilt
  const started = {};         // integration id -> the LoginView the last "Sign in" click returned

  const $ = (id) => document.getElementById(id);

  function el(tag, props, children) {
    const e = document.createElement(tag);
    Object.entries(props || {}).forEach(([k, v]) => {
      if (k === 'text') {
        e.textContent = v == null ? '' : String(v);
      } else if (k === 'className') {
        e.className = v;
      } else if (v !== null && v !== undefined) {
        e.setAttribute(k, v);
      }
    });
    (children || []).forEach((c) => e.appendChild(typeof c === 'string' ? document.createTextNode(c) : c));
    return e;
  }

  function time(iso) {
    if (!iso) return '';
    return iso.replace('T', ' ').replace(/\.\d+Z$/, 'Z');
  }

  // A countdown computed by the server (seconds); the page never uses the browser's clock for it.
  function countdown(seconds) {
    if (seconds === null || seconds === undefined) return '';
    const past = seconds < 0;
    let s = Math.abs(seconds);
    const d = Math.floor(s / 86400); s -= d * 86400;
    const h = Math.floor(s / 3600); s -= h * 3600;
    const m = Math.floor(s / 60); s -= m * 60;
    const pad = (n) => String(n).padStart(2, '0');
    const text = d > 0 ? d + 'd ' + pad(h) + 'h' : h > 0 ? h + 'h ' + pad(m) + 'm' : m + 'm ' + pad(s) + 's';
    return past ? 'expired ' + text + ' ago' : 'in ' + text;
  }

  function cell(value, className) {
    return el('td', { text: value, className: className || null });
  }

  function fillTable(id, rows, toRow, emptyText) {
    const json = JSON.stringify(rows);
    if (rendered[id] === json) return;
    rendered[id] = json;
    const body = $(id).querySelector('tbody');
    body.replaceChildren();
    if (!rows || rows.length === 0) {
      const cols = $(id).querySelectorAll('thead th').length;
      body.appendChild(el('tr', { className: 'empty' }, [el('td', { colspan: cols, text: emptyText })]));
      return;
    }
    rows.forEach((r) => body.appendChild(toRow(r)));
  }

  async function api(method, path) {
    const headers = { 'Accept': 'application/json' };
    if (method !== 'GET' && csrf) headers[csrf.header] = csrf.token;
    const r = await fetch(path, { method: method, headers: headers, credentials: 'same-origin', cache: 'no-store' });
    if (r.status === 401) {
      showSignIn();
      throw new Error('signed out');
    }
    const body = r.status === 204 ? null : await r.json();
    if (!r.ok) throw new Error((body && body.error) || ('HTTP ' + r.status));
    return body;
  }

  function showSignIn() {
    csrf = null;
    if (timer) { clearInterval(timer); timer = null; }
    Object.keys(rendered).forEach((k) => delete rendered[k]);
    $('dashboard').hidden = true;
    $('sign-out').hidden = true;
    $('signin-section').hidden = false;
  }

  async function showDashboard() {
    const s = await api('GET', '/console/api/session');
    csrf = { header: s.csrfHeader, token: s.csrfToken };
    $('signin-section').hidden = true;
    $('dashboard').hidden = false;
    $('sign-out').hidden = false;
    await refresh();
    timer = setInterval(() => refresh().catch(() => {}), POLL_MS);
  }

  async function refresh() {
    let o;
    try {
      o = await api('GET', '/console/api/overview');
      $('load-error').hidden = true;
    } catch (e) {
      if (csrf) { $('load-error').textContent = 'Could not load: ' + e.message; $('load-error').hidden = false; }
      throw e;
    }
    $('server-time').textContent = 'server time ' + time(o.serverTime) + ' · ' + (o.replicaId || '');
    renderIntegrations(o.integrations);
    fillTable('tokens', o.tokens, (t) => el('tr', {}, [
      cell(t.integrationId), cell(t.username), cell(countdown(t.accessRemainingSeconds), 'nowrap'),
      cell(countdown(t.refreshRemainingSeconds), t.refreshTokenNearExpiry ? 'warn nowrap' : 'nowrap'),
      cell(t.needsInteraction ? 'yes' : 'no', t.needsInteraction ? 'warn' : null), cell(t.detail)]),
    'No signed-in accounts.');
    fillTable('subscriptions', o.subscriptions, (s) => el('tr', {}, [
      cell(s.subscriptionId, 'mono'), cell(s.integrationId), cell(s.policyName ? 'policy ' + s.policyName : s.resource),
      cell(s.state), cell(s.state === 'active' ? countdown(s.remainingSeconds) : time(s.expiresAt), 'nowrap'),
      cell(time(s.createdAt)), cell(time(s.lastRenewedAt)), cell(s.renewalCount),
      cell(s.failureCount, s.failureCount > 0 ? 'warn' : null), cell(s.lastError), cell(time(s.lastNotificationAt))]),
    'No subscriptions yet.');
    fillTable('gaps', o.gaps, (g) => el('tr', {}, [
      cell(g.gapId), cell(g.integrationId), cell(g.reason), cell(time(g.from)),
      cell(g.to ? time(g.to) : 'open', g.to ? null : 'warn'), cell(g.backfilledAt ? time(g.backfilledAt) : 'not yet')]),
    'No delivery gaps.');
    fillTable('backfills', o.backfills, (b) => el('tr', {}, [
      cell(b.integrationId), cell(b.lastOutcome || 'not run yet'), cell(time(b.lastRunAt)), cell(time(b.listedThrough)),
      cell(b.messagesPublished), cell(b.consecutiveFailures, b.consecutiveFailures > 0 ? 'warn' : null),
      cell(b.gapsAwaiting)]),
    'No backfill has run.');
    fillTable('dead-letters', o.deadLetters.byReason, (d) => el('tr', { 'data-reason': d.reason }, [
      cell(d.reason, 'mono'), cell(d.last24h), cell(d.total), cell(time(d.lastAt))]),
    'No dead letters.');
    $('dead-letters-24h').textContent = o.deadLetters.last24h;
    $('dead-letters-total').textContent = o.deadLetters.total;
    fillTable('facts', o.facts, (f) => el('tr', { 'data-fact-id': f.factId }, [
      cell(time(f.startedAt)), cell(f.callerName), cell(f.dialedNumber),
      cell(f.location ? f.location + (f.siteId ? ' (' + f.siteId + ')' : '') : (f.siteId || '')),
      cell(f.testCall ? 'test' : 'real', f.testCall ? null : 'alert'), cell((f.sources || []).join(', ')),
      cell(f.endedAt ? time(f.endedAt) : 'ongoing'), cell(f.revision)]),
    'No facts yet.');
  }

  function renderIntegrations(list) {
    fillTable('integrations', list, (i) => {
      const action = el('td');
      if (i.authMode !== 'client-credentials') {
        const again = i.signIn && i.signIn.phase === 'signed-in';
        const b = el('button', { type: 'button', className: 'sign-in', 'data-integration': i.id,
          text: again ? 'Sign in again' : 'Sign in' });
        b.addEventListener('click', () => startSignIn(i.id, b));
        action.appendChild(b);
      }
      return el('tr', { 'data-integration': i.id }, [
        cell(i.id, 'mono'), cell(i.displayName), cell(i.authMode),
        // flags (backfill-uncovered: lost notifications are not recovered) need a look like needsHuman
        cell(i.status + (i.statusDetail ? ' — ' + i.statusDetail : '')
          + ((i.flags || []).length ? ' [' + i.flags.join(', ') + ']' : ''),
          i.needsHuman || (i.flags || []).length ? 'warn' : null),
        cell(i.signIn ? i.signIn.phase + (i.signIn.username ? ' as ' + i.signIn.username : '') : ''),
        cell(i.leader || ''), action]);
    }, 'No integrations. Add one with beaconctl integrations add.');
    // the sign-in panel follows the server: gone once the integration is signed in
    (list || []).forEach((i) => {
      if (started[i.id] && i.signIn && i.signIn.phase !== 'pending' && i.signIn.phase !== 'slow-down'
          && i.signIn.phase !== 'none') {
        started[i.id] = Object.assign({}, started[i.id], { phase: i.signIn.phase, username: i.signIn.username });
      }
    });
    renderSignInPanel();
  }

  async function startSignIn(id, button) {
    button.disabled = true;
    try {
      started[id] = await api('POST', '/console/api/integrations/' + encodeURIComponent(id) + '/sign-in');
    } catch (e) {
      started[id] = { integrationId: id, phase: 'failed', detail: e.message };
    } finally {
      button.disabled = false;
    }
    renderSignInPanel();
    refresh().catch(() => {});
  }

  function renderSignInPanel() {
    const panel = $('signin-panel');
    panel.replaceChildren();
    const ids = Object.keys(started);
    panel.hidden = ids.length === 0;
    ids.forEach((id) => {
      const v = started[id];
      const box = el('div', { className: 'signin-box', 'data-integration': id });
      box.appendChild(el('h3', { text: 'Sign-in of ' + id + ': ' + v.phase }));
      if (v.phase === 'signed-in') {
        box.appendChild(el('p', { text: 'Signed in' + (v.username ? ' as ' + v.username : '') + '.' }));
      } else {
        if (v.verificationUri) {
          const link = el('a', { href: v.verificationUri, target: '_blank', rel: 'noopener noreferrer',
            className: 'verification-uri', text: v.verificationUri });
          box.appendChild(el('p', {}, [v.userCode ? 'Open ' : 'Open this link: ', link]));
        }
        if (v.userCode) {
          box.appendChild(el('p', {}, ['and enter the code ', el('strong', { className: 'user-code', text: v.userCode })]));
        }
        if (v.expiresAt) box.appendChild(el('p', { className: 'muted', text: 'valid until ' + time(v.expiresAt) }));
        if (v.detail) box.appendChild(el('p', { className: 'error', text: v.detail }));
      }
      panel.appendChild(box);
    });
  }

  async function signOut() {
    try {
      await api('DELETE', '/console/session');
    } catch (e) {
      // already signed out
    }
    Object.keys(started).forEach((k) => delete started[k]);
    showSignIn();
  }

  document.addEventListener('DOMContentLoaded', () => {
    const params = new URLSearchParams(window.location.search);
    if (params.get('signin') === 'refused') {
      $('signin-error').hidden = false;
      window.history.replaceState(null, '', '/console');
    }
    $('sign-out').addEventListener('click', signOut);
    showDashboard().catch(() => showSignIn());
  });
}());
