/* Chat widget: one <script src=".../widget.js"> tag adds a "Réclamation" button to any page.
   French interface, keyboard usable, ARIA live log, keeps the conversation across reloads. */
(function () {
  "use strict";
  var script = document.currentScript;
  var BASE = script ? new URL(script.src, location.href).origin : "";
  var KEY = "complaint-widget";
  var state = JSON.parse(localStorage.getItem(KEY) || "null") || { sender: null, log: [], open: false };
  function save() { localStorage.setItem(KEY, JSON.stringify(state)); }

  var css = document.createElement("style");
  css.textContent =
    ".cw-btn{position:fixed;right:1rem;bottom:1rem;z-index:2147483000;background:#0b4f8a;color:#fff;border:0;border-radius:2rem;padding:.8rem 1.2rem;font:600 1rem system-ui,sans-serif;cursor:pointer}" +
    ".cw-btn:focus-visible,.cw-panel button:focus-visible,.cw-panel input:focus-visible{outline:3px solid #f5a623;outline-offset:2px}" +
    ".cw-panel{position:fixed;right:1rem;bottom:4.5rem;z-index:2147483000;width:min(24rem,calc(100vw - 2rem));height:min(34rem,calc(100vh - 6rem));display:flex;flex-direction:column;background:#fff;border:1px solid #888;border-radius:.6rem;box-shadow:0 4px 24px rgba(0,0,0,.25);font:1rem/1.4 system-ui,sans-serif;color:#111}" +
    ".cw-panel[hidden]{display:none}.cw-head{display:flex;justify-content:space-between;align-items:center;padding:.6rem .8rem;background:#0b4f8a;color:#fff;border-radius:.6rem .6rem 0 0}" +
    ".cw-head h2{font-size:1rem;margin:0}.cw-head button{background:none;border:0;color:#fff;font-size:1.4rem;cursor:pointer}" +
    ".cw-log{flex:1;overflow-y:auto;padding:.6rem;display:flex;flex-direction:column;gap:.4rem}" +
    ".cw-msg{max-width:85%;padding:.5rem .7rem;border-radius:.6rem;white-space:pre-wrap;word-wrap:break-word}" +
    ".cw-bot{background:#eef2f6;align-self:flex-start}.cw-user{background:#0b4f8a;color:#fff;align-self:flex-end}" +
    ".cw-choices{display:flex;flex-wrap:wrap;gap:.3rem}.cw-choices button{background:#fff;color:#0b4f8a;border:1px solid #0b4f8a;border-radius:1rem;padding:.3rem .7rem;cursor:pointer;font:inherit}" +
    ".cw-form{display:flex;gap:.3rem;padding:.5rem;border-top:1px solid #ccc}.cw-form input[type=text]{flex:1;padding:.5rem;font:inherit;border:1px solid #666;border-radius:.3rem}" +
    ".cw-form button{background:#0b4f8a;color:#fff;border:0;border-radius:.3rem;padding:.5rem .8rem;font:inherit;cursor:pointer}" +
    ".cw-typing{font-style:italic;color:#444;padding:0 .8rem .3rem}.cw-sr{position:absolute;left:-9999px}";
  document.head.appendChild(css);

  var btn = document.createElement("button");
  btn.className = "cw-btn"; btn.type = "button"; btn.textContent = "Réclamation";
  btn.setAttribute("aria-controls", "cw-panel"); btn.setAttribute("aria-expanded", "false");
  var panel = document.createElement("section");
  panel.id = "cw-panel"; panel.className = "cw-panel"; panel.hidden = true;
  panel.setAttribute("role", "dialog"); panel.setAttribute("aria-label", "Assistant réclamations");
  panel.innerHTML =
    '<div class="cw-head"><h2>Assistant réclamations</h2><button type="button" class="cw-close" aria-label="Fermer la fenêtre de discussion">×</button></div>' +
    '<div class="cw-log" role="log" aria-live="polite" aria-relevant="additions"></div>' +
    '<div class="cw-typing" aria-live="polite"></div>' +
    '<form class="cw-form"><label class="cw-sr" for="cw-input">Votre message</label>' +
    '<input id="cw-input" type="text" autocomplete="off" maxlength="4000" placeholder="Écrivez votre message…">' +
    '<button type="submit">Envoyer</button></form>';
  document.body.appendChild(btn); document.body.appendChild(panel);
  var log = panel.querySelector(".cw-log"), input = panel.querySelector("#cw-input");
  var typing = panel.querySelector(".cw-typing");

  function render(entry) {
    var div = document.createElement("div");
    div.className = "cw-msg " + (entry.who === "user" ? "cw-user" : "cw-bot");
    div.textContent = entry.text;
    log.appendChild(div);
    if (entry.buttons && entry.buttons.length && entry === state.log[state.log.length - 1]) {
      var box = document.createElement("div"); box.className = "cw-choices"; box.setAttribute("role", "group");
      entry.buttons.forEach(function (b) {
        var c = document.createElement("button"); c.type = "button"; c.textContent = b.title;
        c.addEventListener("click", function () { send(b.payload, b.title); });
        box.appendChild(c);
      });
      log.appendChild(box);
    }
    log.scrollTop = log.scrollHeight;
  }
  function redraw() { log.innerHTML = ""; state.log.forEach(render); }
  function push(entry) { state.log.push(entry); save(); redraw(); }

  function ensureSender() {
    if (state.sender) return Promise.resolve(state.sender);
    return fetch(BASE + "/chat/session", { method: "POST" }).then(function (r) { return r.json(); })
      .then(function (d) { state.sender = d.sender; save(); return d.sender; });
  }
  function send(text, shown) {
    if (!text || !text.trim()) return;
    push({ who: "user", text: shown || text });
    typing.textContent = "L'assistant écrit…";
    return ensureSender().then(function (sender) {
      return fetch(BASE + "/chat/messages", { method: "POST", headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ sender: sender, message: text }) });
    }).then(function (r) {
      if (!r.ok) throw new Error("HTTP " + r.status);
      return r.json();
    }).then(function (d) {
      typing.textContent = "";
      (d.messages || []).forEach(function (m) { push({ who: "bot", text: m.text, buttons: m.buttons }); });
    }).catch(function () {
      typing.textContent = "";
      push({ who: "bot", text: "Le service ne répond pas pour le moment. Votre message n'est pas perdu : réessayez dans un instant." });
    });
  }
  function setOpen(open) {
    state.open = open; save();
    panel.hidden = !open; btn.setAttribute("aria-expanded", String(open));
    if (open) { input.focus(); if (!state.log.length) send("Bonjour", "Bonjour"); } else { btn.focus(); }
  }
  btn.addEventListener("click", function () { setOpen(panel.hidden); });
  panel.querySelector(".cw-close").addEventListener("click", function () { setOpen(false); });
  panel.addEventListener("keydown", function (e) { if (e.key === "Escape") setOpen(false); });
  panel.querySelector("form").addEventListener("submit", function (e) {
    e.preventDefault(); var t = input.value; input.value = ""; send(t);
  });
  redraw();
  if (state.open) { panel.hidden = false; btn.setAttribute("aria-expanded", "true"); }
})();
