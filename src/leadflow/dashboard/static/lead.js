// The lead's page: a refused reply (409, 422) comes back as the reply box saying why, so it is
// swapped in like a success; after a change, focus goes where the person will act next.
document.addEventListener("htmx:beforeSwap", (event) => {
  const status = event.detail.xhr.status;
  if ((status === 409 || status === 422) && event.detail.elt.closest("[data-lead-page]")) {
    event.detail.shouldSwap = true;
    event.detail.isError = false;
  }
});

document.addEventListener("htmx:afterSettle", (event) => {
  const selector = event.detail.requestConfig && event.detail.requestConfig.elt.dataset.refocus;
  const next = selector && document.querySelector(selector);
  if (next) next.focus();
});
