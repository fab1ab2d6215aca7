// The header search box as a WAI-ARIA 1.2 combobox with a listbox popup
// (https://www.w3.org/WAI/ARIA/apg/patterns/combobox/): suggestions come from
// /search/suggest as the member types. Focus stays in the input; the option
// shown as selected is named by aria-activedescendant. No inline script.

import { formatTime } from "./times.js";

const DEBOUNCE_MS = 150;

// The status texts come translated from the page (the form's data-status-texts):
// "none", and "one"/"other" with %(num)s where the count goes.
function countText(texts, count) {
  const text = !count ? texts.none : count === 1 ? texts.one : texts.other;
  return (text || "").replace("%(num)s", String(count));
}

function setUpCombobox(form) {
  const input = form.querySelector("[role=combobox]");
  const listbox = document.getElementById(input.getAttribute("aria-controls"));
  const status = form.querySelector("[aria-live]");
  const labels = JSON.parse(form.dataset.kindLabels || "{}");
  const statusTexts = JSON.parse(form.dataset.statusTexts || "{}");
  const suggestUrl = form.dataset.suggestUrl;
  let options = [];
  let active = -1;
  let timer = null;
  let controller = null;

  function isOpen() {
    return !listbox.hidden;
  }

  function setActive(index) {
    if (options[active]) options[active].setAttribute("aria-selected", "false");
    active = index;
    const option = options[active];
    if (option) {
      option.setAttribute("aria-selected", "true");
      input.setAttribute("aria-activedescendant", option.id);
      option.scrollIntoView({ block: "nearest" });
    } else {
      input.removeAttribute("aria-activedescendant");
    }
  }

  function open() {
    if (!options.length) return;
    listbox.hidden = false;
    input.setAttribute("aria-expanded", "true");
  }

  function close() {
    setActive(-1);
    listbox.hidden = true;
    input.setAttribute("aria-expanded", "false");
  }

  function makeOption(item, index) {
    const option = document.createElement("li");
    option.id = `${listbox.id}-option-${index}`;
    option.className = "eig-search__option";
    option.setAttribute("role", "option");
    option.setAttribute("aria-selected", "false");
    option.dataset.url = item.url;
    const title = document.createElement("span");
    title.textContent = item.title;
    const kind = document.createElement("span");
    kind.className = "eig-search__kind";
    kind.textContent = labels[item.type] || item.type;
    option.append(title, " ", kind);
    if (item.author) { // a message: who wrote it, where, when
      const about = document.createElement("span");
      about.className = "eig-search__about";
      about.textContent = `${item.author} · ${formatTime(item.created_at)}`;
      option.append(about);
    }
    return option;
  }

  function show(items) {
    close();
    options = items.map(makeOption);
    listbox.replaceChildren(...options);
    const count = options.length;
    status.textContent = countText(statusTexts, count);
    open();
  }

  function reset() {
    if (controller) controller.abort();
    options = [];
    listbox.replaceChildren();
    status.textContent = "";
    close();
  }

  async function fetchSuggestions(text) {
    if (controller) controller.abort();
    controller = new AbortController();
    const url = `${suggestUrl}?q=${encodeURIComponent(text)}`;
    try {
      const response = await fetch(url, {
        headers: { Accept: "application/json" },
        signal: controller.signal,
      });
      const type = response.headers.get("Content-Type") || "";
      if (!response.ok || !type.includes("json")) return reset();
      const items = await response.json();
      if (input.value === text) show(items);
    } catch (error) {
      if (error.name !== "AbortError") reset();
    }
  }

  function follow(option) {
    close();
    window.location.assign(option.dataset.url);
  }

  function move(step) {
    if (!options.length) return;
    open();
    const count = options.length;
    const start = active < 0 && step < 0 ? 0 : active;
    setActive((start + step + count) % count);
  }

  input.addEventListener("input", () => {
    clearTimeout(timer);
    const text = input.value;
    if (!text.trim()) return reset();
    timer = setTimeout(() => fetchSuggestions(text), DEBOUNCE_MS);
  });

  input.addEventListener("keydown", (event) => {
    if (event.altKey && event.key === "ArrowDown") {
      event.preventDefault();
      open();
    } else if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      move(event.key === "ArrowDown" ? 1 : -1);
    } else if (event.key === "Enter") {
      // With no suggestion selected, Enter submits the form to /search.
      if (isOpen() && options[active]) {
        event.preventDefault();
        follow(options[active]);
      }
    } else if (event.key === "Escape") {
      if (isOpen()) {
        event.preventDefault();
        close();
      } else if (input.value) {
        event.preventDefault();
        input.value = "";
        reset();
      }
    } else if (event.key === "Tab") {
      close();
    }
  });

  input.addEventListener("blur", close);
  // Keep the focus in the input while the pointer picks an option.
  listbox.addEventListener("mousedown", (event) => event.preventDefault());
  listbox.addEventListener("click", (event) => {
    const option = event.target.closest("[role=option]");
    if (option) follow(option);
  });
  listbox.addEventListener("mousemove", (event) => {
    const option = event.target.closest("[role=option]");
    const index = options.indexOf(option);
    if (index >= 0 && index !== active) setActive(index);
  });
}

document.querySelectorAll("form[data-suggest-url]").forEach(setUpCombobox);
