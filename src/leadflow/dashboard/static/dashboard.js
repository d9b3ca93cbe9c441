// What every page needs beyond HTMX. The page's policy allows no inline script and no style
// attribute: what would be one is done here.

// A progress bar carries its width as data-progress; drawn through the style object, which the
// policy allows, as pages load and as HTMX swaps new ones in.
function drawProgress(root) {
  const bars = root.matches && root.matches("[data-progress]") ? [root] : [];
  bars.concat(Array.from(root.querySelectorAll("[data-progress]"))).forEach((bar) => {
    bar.style.width = `${Number(bar.dataset.progress) || 0}%`;
  });
}
drawProgress(document);
document.addEventListener("htmx:load", (event) => drawProgress(event.detail.elt));

// A select that acts at once (the workspace switcher) submits its form when it changes.
document.addEventListener("change", (event) => {
  if (event.target.matches("[data-submit-on-change]")) event.target.form.submit();
});

// Keeping focus visible after swaps.
document.addEventListener("htmx:afterSwap", (event) => {
  const target = event.detail.target;
  if (target && target.dataset && target.dataset.focusAfterSwap !== undefined) target.focus();
});
