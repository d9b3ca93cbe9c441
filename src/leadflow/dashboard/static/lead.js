// The lead's page: a refused reply (409, 422) comes back as the reply box saying why, so it is
// swapped in like a success; after a change, focus goes where the person will act next.
document.addEventListener("htmx:beforeSwap", (event) => {
  const status = event.detail.xhr.status;
  if ((status === 409 || status === 422) && event.detail.elt.closest("[data-lead-page]")) {
    event.detail.shouldSwap = true;
    event.detail.isError = false;
  }
});

// The element that asked is swapped out with what it changed, and events on it no longer reach
// the document: remember where focus goes when the request leaves, and move it once new
// content has loaded.
let refocus = null;
document.addEventListener("htmx:beforeRequest", (event) => {
  refocus = event.detail.elt.dataset ? event.detail.elt.dataset.refocus || null : null;
});
document.addEventListener("htmx:load", () => {
  const next = refocus && document.querySelector(refocus);
  if (next) {
    refocus = null;
    next.focus();
  }
});

// A thread reads from its newest message: keep each one scrolled to its end as it grows.
document.addEventListener("htmx:load", (event) => {
  const root = event.detail.elt;
  const threads = root.matches && root.matches(".thread") ? [root] : root.querySelectorAll(".thread");
  threads.forEach((thread) => { thread.scrollTop = thread.scrollHeight; });
});
