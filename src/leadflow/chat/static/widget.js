/* leadflow web chat: one script tag on the business's site.
   <script src="https://LEADFLOW/chat/FORM_TOKEN/widget.js" defer></script> */
(function () {
  "use strict";
  var script = document.currentScript;
  var base = new URL(script.src).origin;
  var token = script.src.split("/chat/")[1].split("/")[0];
  var api = base + "/api/v1/chat/" + token;
  var key = "leadflow-chat-" + token;
  var visitor = localStorage.getItem(key);
  var shown = {};

  var box = document.createElement("div");
  box.setAttribute("role", "dialog");
  box.setAttribute("aria-label", "Chat");
  box.style.cssText = "position:fixed;bottom:16px;right:16px;width:320px;max-width:92vw;" +
    "font:14px system-ui,sans-serif;background:#fff;border:1px solid #ccc;border-radius:10px;" +
    "box-shadow:0 4px 16px rgba(0,0,0,.15);z-index:2147483647;display:flex;flex-direction:column";
  box.innerHTML =
    '<div data-lf="title">Chat with us</div>' +
    '<div data-lf="log" aria-live="polite"></div>' +
    '<form data-lf="intro">' +
    '<input name="name" placeholder="Your name" required>' +
    '<input name="email" type="email" placeholder="Email">' +
    '<input name="phone" placeholder="Phone">' +
    '<button>Start</button></form>' +
    '<form data-lf="say">' +
    '<input name="body" dir="auto" placeholder="Write a message" required>' +
    '<button>Send</button></form>';
  // Styled through the style object, not style attributes: a site whose security policy
  // refuses inline styles still shows the chat as drawn.
  var looks = {
    title: "padding:10px;font-weight:600;border-bottom:1px solid #eee",
    log: "height:260px;overflow:auto;padding:10px",
    intro: "padding:10px;display:grid;gap:6px",
    say: "padding:10px;display:none;gap:6px"
  };
  Object.keys(looks).forEach(function (part) {
    box.querySelector('[data-lf="' + part + '"]').style.cssText = looks[part];
  });
  box.querySelector('[name="body"]').style.flex = "1";
  document.body.appendChild(box);
  var log = box.querySelector('[data-lf="log"]');
  var intro = box.querySelector('[data-lf="intro"]');
  var say = box.querySelector('[data-lf="say"]');

  function post(path, body) {
    return fetch(api + path, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body)
    }).then(function (r) { if (!r.ok) { throw new Error(r.status); } return r.json(); });
  }

  function show(message) {
    if (shown[message.id]) { return; }
    shown[message.id] = true;
    var line = document.createElement("p");
    line.dir = "auto";
    line.setAttribute("data-author", message.author);
    line.style.cssText = "margin:6px 0;padding:6px 8px;border-radius:8px;white-space:pre-wrap;" +
      (message.direction === "in" ? "background:#eef;margin-left:30px" : "background:#f3f3f3;margin-right:30px");
    line.textContent = message.body;
    log.appendChild(line);
    log.scrollTop = log.scrollHeight;
  }

  function follow() {
    intro.style.display = "none";
    say.style.display = "flex";
    var stream = new EventSource(api + "/stream?visitor=" + encodeURIComponent(visitor));
    stream.addEventListener("message", function (event) { show(JSON.parse(event.data)); });
  }

  intro.addEventListener("submit", function (event) {
    event.preventDefault();
    var form = new FormData(intro);
    post("/start", { name: form.get("name"), email: form.get("email") || null,
                     phone: form.get("phone") || null })
      .then(function (started) { visitor = started.visitor; localStorage.setItem(key, visitor); follow(); })
      .catch(function () { intro.querySelector("button").textContent = "Try again"; });
  });

  say.addEventListener("submit", function (event) {
    event.preventDefault();
    var input = say.querySelector("input");
    var body = input.value.trim();
    if (!body) { return; }
    input.value = "";
    post("/messages", { visitor: visitor, body: body }).then(show);
  });

  if (visitor) { follow(); }
})();
