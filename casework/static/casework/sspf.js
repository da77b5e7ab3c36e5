// Adds one more row to a Django formset from its empty form kept in a <template>, when a button
// with data-sspf-add-row="<prefix>" is pressed (no inline handlers: the Content-Security-Policy
// allows no inline script). Respects the formset's MAX_NUM_FORMS where the page sends one.
// viewflow's field components render themselves when they enter the page.
(function () {
  "use strict";

  function addRow(prefix) {
    const total = document.querySelector(`input[name="${prefix}-TOTAL_FORMS"]`);
    const template = document.getElementById(`${prefix}-empty`);
    if (!total || !template) return;
    const index = parseInt(total.value, 10);
    const maxInput = document.querySelector(`input[name="${prefix}-MAX_NUM_FORMS"]`);
    if (maxInput && index >= parseInt(maxInput.value, 10)) return;
    const html = template.innerHTML
      .replaceAll("__prefix__", String(index))
      .replaceAll("__number__", String(index + 1));
    document.getElementById(`${prefix}-rows`).insertAdjacentHTML("beforeend", html);
    total.value = String(index + 1);
  }

  if (window.sspfAddRowInstalled) return;
  window.sspfAddRowInstalled = true;
  document.addEventListener("click", (event) => {
    const button = event.target.closest("[data-sspf-add-row]");
    if (!button) return;
    event.preventDefault();
    addRow(button.dataset.sspfAddRow);
  });
})();
