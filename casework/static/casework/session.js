// The idle warning (issue 15). The server says in <meta name="sspf-session"> how many seconds
// the login has left; a few minutes before the end this script asks the server again (another
// tab may have kept the login alive: asking is not activity) and, if the end is still near,
// shows a dialog: "Stay logged in" (POST to the keepalive URL) or "Log out". When the time is
// up the page goes to the login page, where the server says why. Turbo swaps pages without
// reloading this script, so the value is read again on every turbo:load.
(function () {
  "use strict";

  if (window.sspfSessionInstalled) return;
  window.sspfSessionInstalled = true;

  let timers = [];
  let dialog = null;
  let config = null;

  function clearTimers() {
    timers.forEach((timer) => window.clearTimeout(timer));
    timers = [];
  }

  function later(fn, ms) {
    timers.push(window.setTimeout(fn, Math.max(0, ms)));
  }

  function readConfig() {
    const meta = document.querySelector('meta[name="sspf-session"]');
    if (!meta) return null;
    const d = meta.dataset;
    return {
      remaining: parseInt(d.remaining, 10),
      absolute: d.absolute === "1",
      warning: parseInt(d.warning, 10),
      statusUrl: d.statusUrl,
      keepaliveUrl: d.keepaliveUrl,
      logoutUrl: d.logoutUrl,
      loginUrl: d.loginUrl,
      csrf: d.csrf,
      title: d.title,
      text: d.text,
      absoluteText: d.absoluteText,
      continueLabel: d.continue,
      logoutLabel: d.logout,
    };
  }

  function toLogin() {
    const next = window.location.pathname + window.location.search;
    window.location.assign(`${config.loginUrl}?next=${encodeURIComponent(next)}`);
  }

  function schedule(remaining, absolute) {
    clearTimers();
    config.end = Date.now() + remaining * 1000;
    config.absolute = absolute;
    later(warnIfNear, (remaining - config.warning) * 1000);
    later(endIfDue, remaining * 1000);
  }

  async function ask(url, options) {
    const response = await fetch(url, {
      credentials: "same-origin",
      headers: { Accept: "application/json", "X-CSRFToken": config.csrf },
      ...options,
    });
    // a login already ended answers with the login page (a redirect), not JSON
    if (!response.ok || response.redirected) return { remaining: 0 };
    return response.json();
  }

  async function warnIfNear() {
    let answer;
    try {
      answer = await ask(config.statusUrl, { method: "GET" });
    } catch (error) {
      answer = { remaining: Math.round((config.end - Date.now()) / 1000) };
    }
    if (answer.remaining <= 0) return toLogin();
    if (answer.remaining > config.warning + 5) {
      closeDialog();
      return schedule(answer.remaining, answer.absolute);
    }
    clearTimers();
    config.end = Date.now() + answer.remaining * 1000;
    config.absolute = answer.absolute;
    later(endIfDue, answer.remaining * 1000);
    showDialog();
  }

  async function endIfDue() {
    let answer;
    try {
      answer = await ask(config.statusUrl, { method: "GET" });
    } catch (error) {
      answer = { remaining: 0 };
    }
    if (answer.remaining > 0) {
      closeDialog();
      return schedule(answer.remaining, answer.absolute);
    }
    toLogin();
  }

  async function stay() {
    try {
      const answer = await ask(config.keepaliveUrl, { method: "POST" });
      closeDialog();
      if (answer.remaining > 0) schedule(answer.remaining, answer.absolute);
      else toLogin();
    } catch (error) {
      toLogin();
    }
  }

  function logOut() {
    const form = document.createElement("form");
    form.method = "post";
    form.action = config.logoutUrl;
    form.dataset.turbo = "false";
    const token = document.createElement("input");
    token.type = "hidden";
    token.name = "csrfmiddlewaretoken";
    token.value = config.csrf;
    form.appendChild(token);
    document.body.appendChild(form);
    form.submit();
  }

  function clock(ms) {
    const at = new Date(ms);
    const pad = (n) => String(n).padStart(2, "0");
    return `${pad(at.getHours())}:${pad(at.getMinutes())}`;
  }

  function button(label, raised, action, testid) {
    const b = document.createElement("button");
    b.type = "button";
    // material's button on the product's pages, Django's ("button") on the admin's
    b.className = `${raised ? "mdc-button mdc-button--raised" : "mdc-button"} button`;
    b.dataset.testid = testid;
    const span = document.createElement("span");
    span.className = "mdc-button__label";
    span.textContent = label;
    b.appendChild(span);
    b.addEventListener("click", action);
    return b;
  }

  function showDialog() {
    closeDialog();
    const before = document.activeElement;
    dialog = document.createElement("div");
    dialog.className = "sspf-session-dialog";
    dialog.setAttribute("role", "alertdialog");
    dialog.setAttribute("aria-modal", "true");
    dialog.setAttribute("aria-labelledby", "sspf-session-title");
    dialog.setAttribute("aria-describedby", "sspf-session-text");
    dialog.dataset.testid = "idle-warning";
    const box = document.createElement("div");
    box.className = "sspf-session-dialog__box";
    const title = document.createElement("h2");
    title.id = "sspf-session-title";
    title.textContent = config.title;
    const text = document.createElement("p");
    text.id = "sspf-session-text";
    text.textContent = (config.absolute ? config.absoluteText : config.text).replace(
      "[time]",
      clock(config.end),
    );
    const actions = document.createElement("div");
    actions.className = "sspf-session-dialog__actions";
    let first;
    if (!config.absolute) {
      first = button(config.continueLabel, true, stay, "idle-stay");
      actions.appendChild(first);
    }
    const out = button(config.logoutLabel, config.absolute, logOut, "idle-logout");
    actions.appendChild(out);
    box.append(title, text, actions);
    dialog.appendChild(box);
    dialog.addEventListener("keydown", (event) => {
      // focus stays inside the dialog
      if (event.key !== "Tab") return;
      const buttons = Array.from(dialog.querySelectorAll("button"));
      const index = buttons.indexOf(document.activeElement);
      const next = event.shiftKey ? index - 1 : index + 1;
      event.preventDefault();
      buttons[(next + buttons.length) % buttons.length].focus();
    });
    dialog.returnFocus = before;
    document.body.appendChild(dialog);
    (first || out).focus();
  }

  function closeDialog() {
    if (!dialog) return;
    const back = dialog.returnFocus;
    dialog.remove();
    dialog = null;
    if (back && document.contains(back)) back.focus();
  }

  function start() {
    clearTimers();
    closeDialog();
    config = readConfig();
    if (!config || !(config.remaining > 0)) return;
    schedule(config.remaining, config.absolute);
  }

  document.addEventListener("turbo:load", start);
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
