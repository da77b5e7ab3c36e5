// Adds one more row to a Django formset from its empty form kept in a <template>. viewflow's
// field components render themselves when they enter the page.
function sspfAddRow(prefix) {
  const total = document.querySelector(`input[name="${prefix}-TOTAL_FORMS"]`);
  const template = document.getElementById(`${prefix}-empty`);
  const index = parseInt(total.value, 10);
  const html = template.innerHTML
    .replaceAll("__prefix__", String(index))
    .replaceAll("__number__", String(index + 1));
  document.getElementById(`${prefix}-rows`).insertAdjacentHTML("beforeend", html);
  total.value = String(index + 1);
}
