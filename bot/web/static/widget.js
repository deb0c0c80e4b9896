/* Chat widget: one <script src=".../widget.js"> tag adds a "Réclamation" button to any page.
   French interface, keyboard usable, ARIA live log, file upload, typing indicator, phone-sized
   layout, the reference shown at the end. No build step: plain ES5, no dependency.
   The open conversation is kept across reloads in localStorage, and only it: it is forgotten
   after IDLE_MS without activity (a shared computer does not show the next person the previous
   one's identity and facts), once the complaint is filed (its reference shown) and when the
   citizen cancels; a restart forgets what came before it. */
(function () {
  "use strict";
  if (window.__complaintWidget) return;
  window.__complaintWidget = true;
  var script = document.currentScript;
  var BASE = script ? new URL(script.src, location.href).origin : "";
  var KEY = "complaint-widget";
  var REF_RE = /\b[A-Z]{3}-\d{4}-\d{6}\b/;
  var ACCEPT = ".pdf,.jpg,.jpeg,.png,.heic,.docx,.odt,.doc,application/pdf,image/jpeg,image/png,image/heic," +
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document,application/vnd.oasis.opendocument.text,application/msword";
  var IDLE_MS = 30 * 60 * 1000;
  /* the assistant's own words when a conversation is cancelled or restarted (domain.yml), and a
     citizen's short "annuler" */
  var CANCELLED_RE = /démarche est annulée/i, RESTARTED_RE = /reprenons depuis le début/i;
  var CANCEL_RE = /^\s*\/?(annuler|annule|j'annule|abandonner|stop)\s*[.!]*\s*$/i;
  function fresh() { return { sender: null, log: [], open: false, reference: null, at: Date.now() }; }
  var state = load();
  function load() {
    try {
      var s = JSON.parse(localStorage.getItem(KEY) || "null");
      /* an entry without a time (an older widget's) or idle too long is forgotten */
      if (s && Array.isArray(s.log) && typeof s.at === "number" && Date.now() - s.at < IDLE_MS) return s;
    } catch (e) { /* a broken entry starts a new conversation */ }
    forgetStored();
    return fresh();
  }
  function forgetStored() { try { localStorage.removeItem(KEY); } catch (e) { /* private mode */ } }
  function save() {
    state.at = Date.now();
    if (state.ended) { forgetStored(); return; }  /* filed or cancelled: nothing kept any more */
    try { localStorage.setItem(KEY, JSON.stringify(state)); } catch (e) { /* private mode */ }
  }
  function end() { state.ended = true; forgetStored(); }
  function uid() {
    if (window.crypto && crypto.getRandomValues) {
      var a = new Uint8Array(12); crypto.getRandomValues(a);
      return Array.prototype.map.call(a, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
    }
    return String(Date.now()) + String(Math.random()).slice(2, 10);
  }

  var css = document.createElement("style");
  css.textContent =
    ".cw-btn{position:fixed;right:1rem;bottom:1rem;z-index:2147483000;background:#0b4f8a;color:#fff;border:0;border-radius:2rem;padding:.8rem 1.2rem;font:600 1rem system-ui,sans-serif;cursor:pointer;box-shadow:0 2px 10px rgba(0,0,0,.3)}" +
    ".cw-btn:focus-visible,.cw-panel button:focus-visible,.cw-panel input:focus-visible{outline:3px solid #f5a623;outline-offset:2px}" +
    ".cw-panel{position:fixed;right:1rem;bottom:4.5rem;z-index:2147483000;width:min(24rem,calc(100vw - 2rem));height:min(36rem,calc(100vh - 6rem));display:flex;flex-direction:column;background:#fff;border:1px solid #767676;border-radius:.6rem;box-shadow:0 4px 24px rgba(0,0,0,.25);font:1rem/1.4 system-ui,sans-serif;color:#111}" +
    ".cw-panel[hidden]{display:none}.cw-head{display:flex;justify-content:space-between;align-items:center;padding:.6rem .8rem;background:#0b4f8a;color:#fff;border-radius:.6rem .6rem 0 0}" +
    ".cw-head h2{font-size:1rem;margin:0;color:#fff}.cw-head button{background:none;border:0;color:#fff;font-size:1.5rem;line-height:1;cursor:pointer;min-width:2.75rem;min-height:2.75rem}" +
    ".cw-ref{margin:.5rem .6rem 0;padding:.5rem .7rem;background:#e7f4ea;border:1px solid #1d6b34;border-radius:.4rem;color:#0f3d1d}.cw-ref[hidden]{display:none}.cw-ref strong{font-size:1.1rem;letter-spacing:.02em}" +
    ".cw-log{flex:1;overflow-y:auto;padding:.6rem;display:flex;flex-direction:column;gap:.4rem}" +
    ".cw-msg{max-width:85%;padding:.5rem .7rem;border-radius:.6rem;white-space:pre-wrap;overflow-wrap:anywhere}" +
    ".cw-bot{background:#eef2f6;align-self:flex-start}.cw-user{background:#0b4f8a;color:#fff;align-self:flex-end}" +
    ".cw-err{background:#fdecea;color:#7a1010;border:1px solid #b3261e;align-self:flex-start}" +
    ".cw-choices{display:flex;flex-wrap:wrap;gap:.3rem}.cw-choices button{background:#fff;color:#0b4f8a;border:1px solid #0b4f8a;border-radius:1rem;padding:.45rem .8rem;cursor:pointer;font:inherit;min-height:2.5rem}" +
    ".cw-choices button:hover{background:#e8f0f8}" +
    ".cw-alert{margin:0 .6rem;padding:.5rem .7rem;background:#fdecea;color:#7a1010;border:1px solid #b3261e;border-radius:.4rem}.cw-alert:empty{display:none}" +
    ".cw-form{display:flex;gap:.3rem;padding:.5rem;border-top:1px solid #ccc;align-items:stretch}.cw-form input[type=text]{flex:1;min-width:0;padding:.5rem;font:inherit;border:1px solid #666;border-radius:.3rem}" +
    ".cw-form button{background:#0b4f8a;color:#fff;border:0;border-radius:.3rem;padding:.5rem .8rem;font:inherit;cursor:pointer;min-height:2.75rem}" +
    ".cw-form .cw-attach{background:#fff;color:#0b4f8a;border:1px solid #0b4f8a;padding:.5rem .6rem;display:flex;align-items:center}" +
    ".cw-typing{font-style:italic;color:#444;padding:0 .8rem .3rem;min-height:1.4em}" +
    ".cw-dots span{display:inline-block;animation:cw-blink 1.2s infinite both}.cw-dots span:nth-child(2){animation-delay:.2s}.cw-dots span:nth-child(3){animation-delay:.4s}" +
    "@keyframes cw-blink{0%,80%,100%{opacity:.2}40%{opacity:1}}" +
    "@media (prefers-reduced-motion:reduce){.cw-dots span{animation:none}}" +
    ".cw-sr{position:absolute!important;width:1px;height:1px;padding:0;margin:-1px;overflow:hidden;clip:rect(0,0,0,0);white-space:nowrap;border:0}" +
    "@media (max-width:480px){.cw-panel{right:0;bottom:0;width:100vw;height:100vh;height:100dvh;border-radius:0;border:0}.cw-head{border-radius:0}}";
  document.head.appendChild(css);

  var btn = document.createElement("button");
  btn.className = "cw-btn"; btn.type = "button"; btn.textContent = "Réclamation";
  btn.setAttribute("aria-controls", "cw-panel"); btn.setAttribute("aria-expanded", "false");
  btn.setAttribute("aria-haspopup", "dialog");
  var panel = document.createElement("section");
  panel.id = "cw-panel"; panel.className = "cw-panel"; panel.hidden = true;
  panel.setAttribute("role", "dialog"); panel.setAttribute("aria-labelledby", "cw-title");
  panel.innerHTML =
    '<div class="cw-head"><h2 id="cw-title">Assistant réclamations</h2>' +
    '<button type="button" class="cw-close" aria-label="Fermer la fenêtre de discussion">×</button></div>' +
    '<p class="cw-ref" role="status" hidden></p>' +
    '<div class="cw-log" role="log" aria-live="polite" aria-relevant="additions" aria-label="Conversation" tabindex="0"></div>' +
    '<div class="cw-typing" aria-live="polite"></div>' +
    '<div class="cw-alert" role="alert"></div>' +
    '<form class="cw-form"><label class="cw-sr" for="cw-input">Votre message</label>' +
    '<input id="cw-input" type="text" autocomplete="off" maxlength="4000" placeholder="Écrivez votre message…">' +
    '<button type="button" class="cw-attach" aria-label="Joindre un document (PDF, photo, Word, OpenOffice)" title="Joindre un document"><svg aria-hidden="true" focusable="false" width="20" height="20" viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round"><path d="M21.4 11.1l-9.2 9.2a6 6 0 0 1-8.5-8.5l9.2-9.2a4 4 0 0 1 5.7 5.7l-9.2 9.2a2 2 0 0 1-2.8-2.8l8.5-8.5"/></svg></button>' +
    '<input class="cw-file cw-sr" type="file" tabindex="-1" aria-hidden="true" accept="' + ACCEPT + '">' +
    '<button type="submit">Envoyer</button></form>';
  document.body.appendChild(btn); document.body.appendChild(panel);
  var log = panel.querySelector(".cw-log"), input = panel.querySelector("#cw-input");
  var typing = panel.querySelector(".cw-typing"), alertBox = panel.querySelector(".cw-alert");
  var refBox = panel.querySelector(".cw-ref"), fileInput = panel.querySelector(".cw-file");
  var queue = Promise.resolve();

  function render(entry, choices) {
    var div = document.createElement("div");
    div.className = "cw-msg " + (entry.who === "user" ? "cw-user" : entry.error ? "cw-err" : "cw-bot");
    var who = document.createElement("span"); who.className = "cw-sr";
    who.textContent = entry.who === "user" ? "Vous : " : "Assistant : ";
    div.appendChild(who); div.appendChild(document.createTextNode(entry.text));
    log.appendChild(div);
    if (choices && entry.buttons && entry.buttons.length) {
      var box = document.createElement("div"); box.className = "cw-choices";
      box.setAttribute("role", "group"); box.setAttribute("aria-label", "Réponses proposées");
      entry.buttons.forEach(function (b) {
        var c = document.createElement("button"); c.type = "button"; c.textContent = b.title;
        c.addEventListener("click", function () { send(b.payload, b.title); input.focus(); });
        box.appendChild(c);
      });
      log.appendChild(box);
    }
  }
  function showReference() {
    if (state.reference) {
      refBox.innerHTML = "Votre référence : <strong></strong>. Conservez-la pour suivre votre dossier.";
      refBox.querySelector("strong").textContent = state.reference;
      refBox.hidden = false;
    } else { refBox.hidden = true; }
  }
  function redraw() {  /* the whole log, once at start: buttons only after the citizen's last message */
    log.innerHTML = "";
    var lastUser = -1;
    state.log.forEach(function (e, i) { if (e.who === "user") lastUser = i; });
    state.log.forEach(function (e, i) { render(e, i > lastUser); });
    log.scrollTop = log.scrollHeight;
    showReference();
  }
  function push(entry) {  /* one addition: screen readers announce only the new message */
    state.log.push(entry);
    if (entry.who === "user") {
      Array.prototype.forEach.call(log.querySelectorAll(".cw-choices"), function (b) { b.remove(); });
    } else if (!entry.error) {
      var text = entry.text || "";
      var m = REF_RE.exec(text);
      if (m) { state.reference = m[0]; end(); }  /* filed: the reference is shown, nothing is kept */
      else if (CANCELLED_RE.test(text)) { end(); }
      else if (RESTARTED_RE.test(text)) { state.log = [entry]; }  /* what came before is not kept */
    }
    save(); render(entry, entry.who !== "user"); log.scrollTop = log.scrollHeight; showReference();
  }
  function expireIfIdle() {  /* the page left open on a shared computer: the panel is emptied too */
    if (state.log.length && Date.now() - state.at >= IDLE_MS) {
      forgetStored(); state = fresh(); redraw();
      panel.hidden = true; btn.setAttribute("aria-expanded", "false");
    }
  }
  function busy(on) {
    typing.innerHTML = on ? 'L\'assistant écrit<span class="cw-dots" aria-hidden="true"><span>.</span><span>.</span><span>.</span></span>' : "";
    log.setAttribute("aria-busy", on ? "true" : "false");
  }

  function ensureSender() {
    if (state.sender) return Promise.resolve(state.sender);
    return fetch(BASE + "/chat/session", { method: "POST" }).then(checked).then(function (d) { state.sender = d.sender; save(); return d.sender; });
  }
  function answers(d) {
    (d.messages || []).forEach(function (m) { push({ who: "bot", text: m.text || "", buttons: m.buttons || [] }); });
  }
  function Refused(text) { this.text = text; }  /* a 429 or 413 with the service's French explanation */
  function checked(r) {
    if (r.status === 429 || r.status === 413) {
      return r.json().catch(function () { return {}; }).then(function (d) {
        throw new Refused(d.error || d.detail || "Trop de demandes en peu de temps. Patientez un instant, puis réessayez.");
      });
    }
    if (!r.ok) throw new Error("HTTP " + r.status);
    return r.json();
  }
  function failed(e) {
    if (e instanceof Refused) { push({ who: "bot", error: true, text: e.text, buttons: lastButtons() }); return; }
    push({ who: "bot", error: true, text: "Un instant, je reviens… Le service ne répond pas : réessayez dans quelques secondes." });
  }
  function enqueue(job) {
    queue = queue.then(function () { busy(true); return job(); })
      .catch(failed).then(function () { busy(false); });
    return queue;
  }
  function send(text, shown) {
    if (!text || !text.trim()) return;
    alertBox.textContent = "";
    push({ who: "user", text: shown || text });
    var id = uid();
    return enqueue(function () {
      return ensureSender().then(function (sender) {
        return fetch(BASE + "/chat/messages", { method: "POST", headers: { "Content-Type": "application/json" },
          body: JSON.stringify({ sender: sender, message: text, message_id: id }) });
      }).then(checked).then(function (d) {
        answers(d);
        if (CANCEL_RE.test(text)) end();  /* "annuler": forgotten, whatever the answer's wording */
      });
    });
  }
  function lastButtons() {
    for (var i = state.log.length - 1; i >= 0; i--) {
      if (state.log[i].who === "bot" && state.log[i].buttons && state.log[i].buttons.length) return state.log[i].buttons;
      if (state.log[i].who === "bot" && !state.log[i].error) return [];
    }
    return [];
  }
  function upload(file) {
    if (!file) return;
    alertBox.textContent = "";
    push({ who: "user", text: "Document envoyé : " + file.name });
    var id = uid();
    return enqueue(function () {
      return ensureSender().then(function (sender) {
        var form = new FormData();
        form.append("sender", sender); form.append("message_id", id); form.append("file", file, file.name);
        return fetch(BASE + "/chat/upload", { method: "POST", body: form });
      }).then(function (r) {
        return r.json().catch(function () { return {}; }).then(function (d) {
          if ((r.status === 422 && d.error) || r.status === 413 || r.status === 429) {
            /* the question is still open: its proposed answers come back under the explanation */
            alertBox.textContent = "Fichier non enregistré : " + file.name;
            push({ who: "bot", error: true, buttons: lastButtons(),
                   text: d.error || "Ce fichier est trop volumineux. Formats acceptés : PDF, JPEG, PNG, HEIC, Word ou OpenOffice." });
            return;
          }
          if (!r.ok) throw new Error("HTTP " + r.status);
          answers(d);
        });
      });
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
  panel.querySelector(".cw-attach").addEventListener("click", function () { fileInput.click(); });
  fileInput.addEventListener("change", function () {
    var f = fileInput.files && fileInput.files[0]; fileInput.value = ""; upload(f); input.focus();
  });
  panel.querySelector("form").addEventListener("submit", function (e) {
    e.preventDefault(); var t = input.value; input.value = ""; send(t);
  });
  redraw();
  if (state.open) { panel.hidden = false; btn.setAttribute("aria-expanded", "true"); }
  setInterval(expireIfIdle, 60 * 1000);
  window.__complaintWidgetExpire = expireIfIdle;  /* for tests */
})();
