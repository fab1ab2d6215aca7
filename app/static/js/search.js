// The header search box: suggestions come from /search/suggest as the member
// types (combobox.js); choosing one opens it. With no suggestion chosen, Enter
// submits the form to /search. No inline script.

import { getJson, setUpCombobox } from "./combobox.js";
import { formatTime } from "./times.js";

function span(className, text) {
  const node = document.createElement("span");
  if (className) node.className = className;
  node.textContent = text;
  return node;
}

function setUpSearch(form) {
  const input = form.querySelector("[role=combobox]");
  const labels = JSON.parse(form.dataset.kindLabels || "{}");
  setUpCombobox({
    form,
    input,
    listbox: document.getElementById(input.getAttribute("aria-controls")),
    load: (text, signal) => getJson(`${form.dataset.suggestUrl}?q=${encodeURIComponent(text)}`, signal),
    fill(option, item) {
      option.dataset.url = item.url;
      option.append(span("", item.title), " ", span("eig-search__kind", labels[item.type] || item.type));
      if (item.author) { // a message: who wrote it, where, when
        option.append(span("eig-search__about", `${item.author} · ${formatTime(item.created_at)}`));
      }
    },
    choose: (option) => window.location.assign(option.dataset.url),
  });
}

document.querySelectorAll("form[data-suggest-url]").forEach(setUpSearch);
