// Security keys and passkeys (WebAuthn) as the second factor (issue 15; the server's side is
// casework/pages/security_keys.py). A button with data-sspf-key="add" or "confirm" asks the
// server for the ceremony's options (data-begin), lets the browser talk to the key, and sends
// the key's answer back (data-complete). Adding a key reloads the user's page; confirming goes
// where the sign-in was going. The words come from the button's data attributes (Swedish from
// the server) and appear in the status line beside it (role="status", read out). No inline
// script (the Content-Security-Policy allows none); one listener for every page Turbo shows.
(function () {
  "use strict";

  if (window.sspfSecurityKeyInstalled) return;
  window.sspfSecurityKeyInstalled = true;

  function toBytes(text) {
    const base64 = text.replace(/-/g, "+").replace(/_/g, "/");
    const padded = base64 + "=".repeat((4 - (base64.length % 4)) % 4);
    return Uint8Array.from(atob(padded), (c) => c.charCodeAt(0));
  }

  function toText(buffer) {
    if (!buffer) return null;
    let binary = "";
    new Uint8Array(buffer).forEach((byte) => {
      binary += String.fromCharCode(byte);
    });
    return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }

  function withBytes(descriptors) {
    return (descriptors || []).map((d) => ({ ...d, id: toBytes(d.id) }));
  }

  async function post(url, csrf, body) {
    const response = await fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf },
      body: JSON.stringify(body || {}),
    });
    let answer = {};
    try {
      answer = await response.json();
    } catch (error) {
      answer = {};
    }
    if (!response.ok) {
      const refused = new Error(answer.detail || "");
      refused.fromServer = true;
      throw refused;
    }
    return answer;
  }

  // Both ceremonies: the options from the server, the browser's talk with the key, and the
  // key's answer back to the server (``response`` encodes the ceremony's own parts).
  async function ceremony(button, ask, response) {
    const d = button.dataset;
    const credential = await ask(await post(d.begin, d.csrf));
    return post(d.complete, d.csrf, {
      id: credential.id,
      rawId: toText(credential.rawId),
      type: credential.type,
      authenticatorAttachment: credential.authenticatorAttachment,
      clientExtensionResults: credential.getClientExtensionResults(),
      response: response(credential.response),
    });
  }

  async function add(button) {
    await ceremony(
      button,
      (options) =>
        navigator.credentials.create({
          publicKey: {
            ...options,
            challenge: toBytes(options.challenge),
            user: { ...options.user, id: toBytes(options.user.id) },
            excludeCredentials: withBytes(options.excludeCredentials),
          },
        }),
      (r) => ({
        clientDataJSON: toText(r.clientDataJSON),
        attestationObject: toText(r.attestationObject),
        transports: r.getTransports ? r.getTransports() : [],
      }),
    );
    window.location.reload();
  }

  async function confirm(button) {
    const answer = await ceremony(
      button,
      (options) =>
        navigator.credentials.get({
          publicKey: {
            ...options,
            challenge: toBytes(options.challenge),
            allowCredentials: withBytes(options.allowCredentials),
          },
        }),
      (r) => ({
        clientDataJSON: toText(r.clientDataJSON),
        authenticatorData: toText(r.authenticatorData),
        signature: toText(r.signature),
        userHandle: toText(r.userHandle),
      }),
    );
    window.location.assign(answer.redirect_url);
  }

  function say(button, text) {
    const status = document.getElementById(button.getAttribute("aria-describedby"));
    if (status) status.textContent = text;
  }

  function explain(button, error) {
    const d = button.dataset;
    if (error.fromServer) return error.message || d.failed;
    if (error.name === "NotAllowedError" || error.name === "AbortError") return d.cancelled;
    if (error.name === "InvalidStateError") return d.exists;
    return d.failed;
  }

  document.addEventListener("click", async (event) => {
    const button = event.target.closest("[data-sspf-key]");
    if (!button) return;
    event.preventDefault();
    if (!window.PublicKeyCredential || !navigator.credentials) {
      say(button, button.dataset.unsupported);
      return;
    }
    button.disabled = true;
    say(button, button.dataset.working);
    try {
      await (button.dataset.sspfKey === "add" ? add(button) : confirm(button));
    } catch (error) {
      say(button, explain(button, error));
      button.disabled = false;
    }
  });
})();
