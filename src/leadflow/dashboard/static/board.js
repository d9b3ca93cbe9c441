// The board, live: cards arrive and move over server-sent events; a card dragged to another
// column (or moved with its Move button) is moved on the server, and snaps back if refused.
(() => {
  "use strict";
  let stream = null;
  let dragging = null; // the lead id being dragged: its live updates wait for the drop

  const live = () => document.getElementById("board-live");
  const csrf = () => document.querySelector('meta[name="csrf-token"]').content;
  const column = (stage) => document.querySelector(`.board-cards[data-stage="${stage}"]`);

  function say(text) {
    const box = document.getElementById("board-message");
    if (!box) return;
    box.textContent = text;
    box.classList.toggle("d-none", !text);
  }

  function cardFrom(html) {
    const holder = document.createElement("template");
    holder.innerHTML = html.trim();
    return holder.content.firstElementChild;
  }

  // A card already on the board is replaced (in place, or in its new column), never doubled.
  function place(leadId, stage, html) {
    if (String(leadId) === dragging) return;
    const target = column(stage);
    const shown = document.getElementById(`lead-${leadId}`);
    if (!target) return;
    const card = cardFrom(html);
    // A live update must not take the keyboard's place away: focus moves to the new card.
    const focused = shown && shown.contains(document.activeElement) ? document.activeElement.id : "";
    if (shown && shown.parentElement === target) {
      shown.replaceWith(card);
    } else {
      if (shown) shown.remove();
      target.prepend(card);
    }
    htmx.process(card);
    drawProgress(card); // dashboard.js: the bar's width, which no style attribute carries
    if (focused && document.getElementById(focused)) document.getElementById(focused).focus();
  }

  function remove(leadId) {
    const shown = document.getElementById(`lead-${leadId}`);
    if (shown) shown.remove();
  }

  function count(counts) {
    document.querySelectorAll("[data-count]").forEach((badge) => {
      const n = counts[badge.dataset.count] || 0;
      badge.textContent = n;
    });
  }

  function connect() {
    const board = document.getElementById("board-columns");
    if (stream) stream.close();
    stream = null;
    if (!board) return;
    // EventSource reconnects by itself, sending Last-Event-ID: the server resumes after it.
    stream = new EventSource(board.dataset.stream);
    stream.addEventListener("card", (event) => {
      const change = JSON.parse(event.data);
      place(change.lead_id, change.stage, change.html);
      count(change.counts);
    });
    // The stream fell behind and passed over old events: the columns are drawn again.
    stream.addEventListener("refresh", () => {
      htmx.ajax("GET", window.location.pathname + window.location.search, {
        target: "#board-columns", swap: "outerHTML",
      });
    });
    stream.addEventListener("gone", (event) => {
      const change = JSON.parse(event.data);
      remove(change.lead_id);
      count(change.counts);
    });
  }

  async function move(leadId, stage, undo) {
    say("");
    let response;
    try {
      response = await fetch(`/board/leads/${leadId}/stage`, {
        method: "POST",
        headers: { "X-CSRF-Token": csrf() },
        body: new URLSearchParams({ stage }),
      });
    } catch (error) {
      response = null;
    }
    if (response && response.ok) {
      place(leadId, stage, await response.text());
      return;
    }
    undo();
    say(await refusal(response));
  }

  async function refusal(response) {
    const texts = live().dataset;
    if (!response) return texts.refusedText;
    if (response.status === 404) return texts.goneText;
    const text = (await response.text()).trim();
    return text && text.length < 300 && !text.startsWith("<") ? text : texts.refusedText;
  }

  function sortable(list) {
    if (list.dataset.sortable) return;
    list.dataset.sortable = "yes";
    // The automation's column takes no card and gives none: its leads have no sales stage yet.
    const automation = Boolean(list.dataset.noDrop);
    Sortable.create(list, {
      group: { name: "board", pull: !automation, put: !automation },
      sort: !automation,
      animation: 150,
      draggable: ".lead-card",
      filter: "select",
      preventOnFilter: false,
      onStart: (event) => { dragging = event.item.dataset.leadId; },
      onEnd: (event) => {
        dragging = null;
        if (event.from === event.to) return;
        const { item, from, oldIndex } = event;
        move(item.dataset.leadId, event.to.dataset.stage, () => {
          from.insertBefore(item, from.children[oldIndex] || null);
        });
      },
    });
  }

  // Without a mouse: each card's Move button opens the stages to choose from.
  document.addEventListener("click", (event) => {
    const button = event.target.closest("[data-move-lead]");
    if (!button) return;
    const dialog = document.getElementById("board-move");
    const card = button.closest(".lead-card");
    const title = dialog.querySelector("#board-move-title");
    const name = card.querySelector("[data-testid=lead-name]").textContent.trim();
    title.textContent = title.dataset.title.replace("{name}", name);
    dialog.querySelectorAll("[data-stage]").forEach((choice) => {
      choice.disabled = choice.dataset.stage === card.dataset.stage;
    });
    dialog.dataset.leadId = button.dataset.moveLead;
    dialog.showModal();
  });

  document.addEventListener("close", (event) => {
    const dialog = event.target;
    if (dialog.id !== "board-move") return;
    const leadId = dialog.dataset.leadId;
    const refocus = () => {
      const button = document.getElementById(`move-${leadId}`);
      if (button) button.focus();
    };
    if (!dialog.returnValue) return refocus();
    const stage = dialog.returnValue;
    dialog.returnValue = "";
    move(leadId, stage, () => {}).then(refocus);
  }, true);

  // Shows more cards: those already on the board (from live updates) are not shown twice.
  document.addEventListener("htmx:afterSwap", (event) => {
    const list = event.detail.target;
    if (!list.classList || !list.classList.contains("board-cards")) return;
    const seen = new Set();
    list.querySelectorAll(".lead-card").forEach((card) => {
      if (seen.has(card.id)) card.remove();
      else seen.add(card.id);
    });
  });

  // A refused "show more" or filter says why, where the board's messages go.
  document.addEventListener("htmx:responseError", (event) => {
    const text = (event.detail.xhr.responseText || "").trim();
    say(text && text.length < 300 && !text.startsWith("<") ? text : live().dataset.refusedText);
  });

  htmx.onLoad((element) => {
    element.querySelectorAll(".board-cards").forEach(sortable);
    if (element.id === "board-columns" || element.querySelector("#board-columns")) connect();
  });
})();
