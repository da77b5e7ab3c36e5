// Accessibility mends for what viewflow's frontend builds in the browser (WCAG 2.1 AA): its
// form widgets (vf-field-select, vf-field-select-multiple, vf-field-file) and its snackbar.
// No template can change that markup, so this script corrects it whenever such a widget enters
// the page (first load, Turbo visits, formset rows added later). It changes ARIA attributes and
// focus only; classes, values and MDC's own behaviour stay as viewflow made them.
(function () {
  "use strict";

  // A select's anchor is a button that opens a list: "aria-required" is not allowed on a
  // button, and a screen reader would read the label and the chosen value run together as the
  // button's text. ARIA 1.2's select-only combobox is the pattern it follows (MDC reads and
  // writes aria-required, aria-expanded and aria-invalid on it, all allowed on a combobox).
  function mendSelect(anchor) {
    const select = anchor.closest(".mdc-select");
    const field = anchor.closest("vf-field-select, vf-field-select-multiple");
    const list = select.querySelector(".mdc-select__menu .mdc-list");
    const label = select.querySelector(".mdc-floating-label");
    anchor.setAttribute("role", "combobox");
    if (list && field && field.id) {
      list.id = list.id || `${field.id}_list`;
      anchor.setAttribute("aria-controls", list.id);
    }
    // viewflow labels every multiple select's list "Food picker listbox"
    if (list && label) list.setAttribute("aria-label", label.textContent.trim());
    const help = select.parentElement.querySelector(".mdc-select-helper-text");
    if (help && field && field.id) {
      help.id = help.id || `${field.id}_help`;
      anchor.setAttribute("aria-describedby", help.id);
    }
  }

  // The file input itself is hidden (the button beside the text field opens it), but it is the
  // form control that is sent: it gets the visible label's name.
  function mendFile(input) {
    const label = document.getElementById(`${input.id}_input_label`);
    if (label) input.setAttribute("aria-labelledby", label.id);
  }

  // A live region must be on the page before the message is put in it to be read out.
  function statusRegion() {
    let region = document.getElementById("sspf-status");
    if (!region && document.body) {
      region = document.createElement("div");
      region.id = "sspf-status";
      region.setAttribute("role", "status");
      region.style.cssText =
        "position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap";
      document.body.appendChild(region);
    }
    return region;
  }

  function mend(root) {
    root.querySelectorAll(".mdc-select__anchor[role=button]").forEach(mendSelect);
    root.querySelectorAll("input.vf-field__file-input:not([aria-labelledby])").forEach(mendFile);
    statusRegion();
  }

  // Opened from the keyboard (Enter, Space, arrows), a multiple select's menu should take the
  // focus, as a single select's does; viewflow's version stops with an error on the way (it
  // looks up the focused item by an array of indexes), leaving the focus on the closed-looking
  // field. Capturing the event first, focus the first ticked option, or the first one.
  document.addEventListener(
    "MDCMenuSurface:opened",
    (event) => {
      const field = event.target.closest("vf-field-select-multiple");
      if (!field || !event.target.classList.contains("mdc-select__menu")) return;
      event.stopPropagation();
      const item =
        event.target.querySelector("li[aria-checked=true]") ||
        event.target.querySelector("li.mdc-list-item");
      if (item) item.focus();
    },
    true,
  );

  // viewflow's snackbar ("Referral … is registered") is aria-hidden and its text is in no live
  // region, so a screen reader never hears it (WCAG 4.1.3): repeat it in a polite status region.
  document.addEventListener(
    "MDCSnackbar:opened",
    (event) => {
      const label = event.target.querySelector(".mdc-snackbar__label");
      const region = statusRegion();
      if (!label || !region) return;
      region.textContent = "";
      setTimeout(() => {
        region.textContent = label.textContent.trim();
      }, 100);
    },
    true,
  );

  let pending = false;
  new MutationObserver(() => {
    if (pending) return;
    pending = true;
    queueMicrotask(() => {
      pending = false;
      mend(document);
    });
  }).observe(document.documentElement, { childList: true, subtree: true });
  document.addEventListener("DOMContentLoaded", () => mend(document));
})();
