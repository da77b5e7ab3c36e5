// viewflow's widgets in the user's language. Loaded before viewflow.min.js, which looks for
// Django's JavaScript catalogue (window.gettext, window.pgettext, window.get_format) when it
// loads and otherwise speaks English with weeks that begin on Sunday. The words come from the
// page (viewflow/includes/viewflow_js.html renders them from our gettext catalogue); the few
// labels viewflow's date picker hard-codes are renamed as its widgets draw them.
(function () {
  "use strict";

  const source = document.getElementById("sspf-js-catalog");
  const catalog = source ? JSON.parse(source.textContent) : {};

  const gettext = (msgid) => catalog[msgid] || msgid;
  const pgettext = (context, msgid) => catalog[`${context}\u0004${msgid}`] || msgid;
  const pluralidx = (count) => (count === 1 ? 0 : 1);
  const ngettext = (singular, plural, count) => gettext(pluralidx(count) ? plural : singular);
  const npgettext = (context, singular, plural, count) =>
    pgettext(context, pluralidx(count) ? plural : singular);
  // Weeks begin on Monday in Sweden (ISO 8601), in either language of the service.
  const formats = { FIRST_DAY_OF_WEEK: 1 };
  const get_format = (name) => (name in formats ? formats[name] : name);
  const interpolate = (fmt, values, named) =>
    named
      ? fmt.replace(/%\(\w+\)s/g, (match) => String(values[match.slice(2, -2)]))
      : fmt.replace(/%s/g, () => String(values.shift()));

  Object.assign(window, {
    gettext,
    pgettext,
    ngettext,
    npgettext,
    pluralidx,
    get_format,
    interpolate,
    gettext_noop: (msgid) => msgid,
  });
  window.django = Object.assign(window.django || {}, { jsi18n_initialized: true, catalog });

  // What viewflow's widgets draw with English words of their own: [selector, mend]. (The
  // selects' "Food picker listbox" is mended in casework/a11y.js.)
  const label = (text) => (element) => {
    element.textContent = text;
  };
  const name = (text) => (element) => {
    element.setAttribute("aria-label", text);
  };
  const MENDS = [
    [".vf-calendar__actions [data-mdc-dialog-action=close] .mdc-button__label", label(gettext("Cancel"))],
    [".vf-calendar__actions [data-mdc-dialog-action=accept] .mdc-button__label", label(gettext("OK"))],
    [".vf-calendar__prev", name(gettext("Previous month"))],
    [".vf-calendar__next", name(gettext("Next month"))],
    ["vf-field-date .vf-text-field__button", name(gettext("Choose a date"))],
  ];

  // The picker's header writes the chosen day in English order ("mån, nov 30"); Swedish says
  // "mån 30 nov". Its text nodes are changed in place, so that the widget keeps updating them.
  const SWEDISH_ORDER = [
    [".vf-calendar-header__weekday", (text) => text.replace(/,$/, "")],
    [".vf-calendar-header__day", (text) => text.replace(/^(\S+) (\d+)$/, "$2 $1")],
  ];
  const reorder = (node) => {
    const element = node.nodeType === Node.TEXT_NODE ? node.parentElement : node;
    if (!element || !document.documentElement.lang.startsWith("sv")) return;
    for (const [selector, fix] of SWEDISH_ORDER) {
      const header = element.closest(selector) || element.querySelector(selector);
      const text = header && header.firstChild;
      if (text && text.nodeType === Node.TEXT_NODE && fix(text.data) !== text.data) {
        text.data = fix(text.data);
      }
    }
  };

  const mend = (root) => {
    for (const [selector, fix] of MENDS) {
      if (root.matches(selector)) fix(root);
      root.querySelectorAll(selector).forEach(fix);
    }
  };
  new MutationObserver((records) => {
    for (const record of records) {
      if (record.type === "characterData") reorder(record.target);
      record.addedNodes.forEach((node) => {
        if (node.nodeType === Node.ELEMENT_NODE) mend(node);
        reorder(node);
      });
    }
  }).observe(document.documentElement, { childList: true, subtree: true, characterData: true });
})();
