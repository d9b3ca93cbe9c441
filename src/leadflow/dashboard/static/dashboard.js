// What every page needs beyond HTMX: nothing yet but keeping focus visible after swaps.
document.addEventListener("htmx:afterSwap", (event) => {
  const target = event.detail.target;
  if (target && target.dataset && target.dataset.focusAfterSwap !== undefined) target.focus();
});
