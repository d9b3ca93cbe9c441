/* leadflow web chat: one script tag on the business's site.
   <script src="https://LEADFLOW/chat/FORM_TOKEN/widget.js" defer></script>
   A button in the bottom corner (bottom-left in Arabic) opens the chat; the chat minimises back
   to it. Its colour and language are the workspace's, asked of leadflow when the page loads. */
(function () {
  "use strict";
  var script = document.currentScript;
  var base = new URL(script.src).origin;
  var token = script.src.split("/chat/")[1].split("/")[0];
  var api = base + "/api/v1/chat/" + token;
  var key = "leadflow-chat-" + token;
  var openKey = key + "-open";
  var visitor = localStorage.getItem(key);
  var shown = {};
  var WORDS = {
    en: { chat: "Chat", title: "Chat with us", name: "Your name", email: "Email", phone: "Phone",
          start: "Start", message: "Write a message", send: "Send", retry: "Try again",
          minimise: "Minimise the chat", open: "Chat with us" },
    ar: { chat: "محادثة", title: "تحدث معنا", name: "اسمك", email: "البريد الإلكتروني",
          phone: "رقم الهاتف", start: "ابدأ", message: "اكتب رسالة", send: "أرسل",
          retry: "حاول مرة أخرى", minimise: "صغّر المحادثة", open: "تحدث معنا" }
  };

  function post(path, body) {
    return fetch(api + path, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body)
    }).then(function (r) { if (!r.ok) { throw new Error(r.status); } return r.json(); });
  }

  // Dark text on a light brand colour, white on a dark one.
  function inkOn(colour) {
    var n = parseInt(colour.slice(1), 16);
    var light = 0.299 * (n >> 16) + 0.587 * ((n >> 8) & 255) + 0.114 * (n & 255);
    return light > 160 ? "#111" : "#fff";
  }

  function element(tag, attributes, text) {
    var node = document.createElement(tag);
    Object.keys(attributes).forEach(function (name) { node.setAttribute(name, attributes[name]); });
    if (text) { node.textContent = text; }
    return node;
  }

  function draw(look) {
    var words = WORDS[look.language] || WORDS.en;
    var rtl = look.language === "ar";
    var side = rtl ? "left:16px;" : "right:16px;";
    var colour = /^#[0-9a-fA-F]{6}$/.test(look.colour) ? look.colour : "#0d6efd";
    var ink = inkOn(colour);

    var launcher = element("button", { type: "button", "data-lf": "launcher",
      "aria-label": words.open, "aria-expanded": "false" }, words.chat);
    var box = element("div", { role: "dialog", "aria-label": words.chat, dir: rtl ? "rtl" : "ltr",
      lang: look.language });
    var header = element("div", { "data-lf": "title" });
    var title = element("span", {}, words.title);
    var minimise = element("button", { type: "button", "data-lf": "minimise",
      "aria-label": words.minimise }, "\u2013");
    var log = element("div", { "data-lf": "log", "aria-live": "polite" });
    var intro = element("form", { "data-lf": "intro" });
    intro.appendChild(element("input", { name: "name", placeholder: words.name, required: "" }));
    intro.appendChild(element("input", { name: "email", type: "email", placeholder: words.email }));
    intro.appendChild(element("input", { name: "phone", placeholder: words.phone, dir: "ltr" }));
    intro.appendChild(element("button", {}, words.start));
    var say = element("form", { "data-lf": "say" });
    var input = element("input", { name: "body", dir: "auto", placeholder: words.message,
      required: "" });
    say.appendChild(input);
    say.appendChild(element("button", {}, words.send));
    header.appendChild(title);
    header.appendChild(minimise);
    [header, log, intro, say].forEach(function (part) { box.appendChild(part); });

    // Styled through the style object, not style attributes: a site whose security policy
    // refuses inline styles still shows the chat as drawn.
    launcher.style.cssText = "position:fixed;bottom:16px;" + side + "z-index:2147483647;" +
      "padding:12px 18px;border:0;border-radius:24px;cursor:pointer;" +
      "font:600 15px system-ui,sans-serif;box-shadow:0 4px 16px rgba(0,0,0,.25);" +
      "background:" + colour + ";color:" + ink;
    box.style.cssText = "position:fixed;bottom:16px;" + side + "width:320px;max-width:92vw;" +
      "font:14px system-ui,sans-serif;background:#fff;color:#111;border:1px solid #ccc;" +
      "border-radius:10px;box-shadow:0 4px 16px rgba(0,0,0,.15);z-index:2147483647;" +
      "display:none;flex-direction:column;overflow:hidden";
    header.style.cssText = "padding:10px;font-weight:600;display:flex;align-items:center;" +
      "justify-content:space-between;background:" + colour + ";color:" + ink;
    minimise.style.cssText = "border:0;background:transparent;color:" + ink +
      ";font:600 18px system-ui,sans-serif;cursor:pointer;padding:0 6px";
    log.style.cssText = "height:260px;overflow:auto;padding:10px";
    intro.style.cssText = "padding:10px;display:grid;gap:6px";
    say.style.cssText = "padding:10px;display:none;gap:6px";
    input.style.flex = "1";
    [intro, say].forEach(function (form) {
      form.querySelector("button").style.cssText = "border:0;border-radius:6px;padding:6px 10px;" +
        "cursor:pointer;background:" + colour + ";color:" + ink;
    });
    document.body.appendChild(launcher);
    document.body.appendChild(box);

    function setOpen(open) {
      box.style.display = open ? "flex" : "none";
      launcher.style.display = open ? "none" : "block";
      launcher.setAttribute("aria-expanded", String(open));
      if (open) { localStorage.setItem(openKey, "1"); } else { localStorage.removeItem(openKey); }
    }

    function show(message) {
      if (shown[message.id]) { return; }
      shown[message.id] = true;
      var inbound = message.direction === "in";
      var line = element("p", { dir: "auto", "data-author": message.author });
      line.style.cssText = "margin:6px 0;padding:6px 8px;border-radius:8px;white-space:pre-wrap;" +
        (inbound ? "background:" + colour + ";color:" + ink + ";margin-inline-start:30px"
                 : "background:#f3f3f3;margin-inline-end:30px");
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

    launcher.addEventListener("click", function () {
      setOpen(true);
      (visitor ? input : intro.querySelector("input")).focus();
    });
    minimise.addEventListener("click", function () { setOpen(false); launcher.focus(); });

    intro.addEventListener("submit", function (event) {
      event.preventDefault();
      var form = new FormData(intro);
      post("/start", { name: form.get("name"), email: form.get("email") || null,
                       phone: form.get("phone") || null })
        .then(function (started) {
          visitor = started.visitor;
          localStorage.setItem(key, visitor);
          follow();
        })
        .catch(function () { intro.querySelector("button").textContent = words.retry; });
    });

    say.addEventListener("submit", function (event) {
      event.preventDefault();
      var body = input.value.trim();
      if (!body) { return; }
      input.value = "";
      post("/messages", { visitor: visitor, body: body }).then(show);
    });

    setOpen(localStorage.getItem(openKey) === "1");
    if (visitor) { follow(); }
  }

  fetch(api + "/look")
    .then(function (r) { if (!r.ok) { throw new Error(r.status); } return r.json(); })
    .catch(function () { return { colour: "#0d6efd", language: "en" }; })
    .then(function (look) {
      if (document.body) { draw(look); } else { document.addEventListener("DOMContentLoaded", function () { draw(look); }); }
    });
})();
