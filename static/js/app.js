// Behaviour attached from this file only: the content security policy allows no inline script.
document.addEventListener("click", (event) => {
  const printButton = event.target.closest("[data-action='print']");
  if (printButton) {
    event.preventDefault();
    window.print();
  }
});
