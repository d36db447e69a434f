// Behaviour attached from this file only: the content security policy allows no inline script.
document.addEventListener("click", (event) => {
  const printButton = event.target.closest("[data-action='print']");
  if (printButton) {
    event.preventDefault();
    window.print();
  }
  // A link of the error summary takes the focus to its field, not only the view.
  const problem = event.target.closest("[data-error-summary] a[href^='#']");
  const field = problem && document.getElementById(problem.hash.slice(1));
  if (field) {
    event.preventDefault();
    field.scrollIntoView({ block: "center" });
    field.focus({ preventScroll: true });
  }
});

// A failed form's error summary, or a warning to act on, takes the focus when the page opens.
document.querySelector("[data-error-summary], [data-focus-on-load]")?.focus();

// A link to a part of the page inside a collapsed section opens that section.
function openSectionHolding(id) {
  const details = id && document.getElementById(id)?.closest("details");
  if (details) details.open = true;
}
window.addEventListener("hashchange", () => openSectionHolding(location.hash.slice(1)));
openSectionHolding(location.hash.slice(1));

// Paper shows every section, collapsed or not; the screen gets them back as they were.
window.addEventListener("beforeprint", () => {
  for (const details of document.querySelectorAll("details:not([open])")) {
    details.dataset.closedOnScreen = "true";
    details.open = true;
  }
});
window.addEventListener("afterprint", () => {
  for (const details of document.querySelectorAll("details[data-closed-on-screen]")) {
    details.open = false;
    delete details.dataset.closedOnScreen;
  }
});
