// A text field as a WAI-ARIA 1.2 combobox with a listbox popup
// (https://www.w3.org/WAI/ARIA/apg/patterns/combobox/), shared by the header
// search box and the people picker. Focus stays in the input; the option shown
// as selected is named by aria-activedescendant. The caller says how to load
// items for a text, how to show one, and what choosing it does.

const DEBOUNCE_MS = 150;

// The status texts come translated from the page (the form's data-status-texts):
// "none", and "one"/"other" with %(num)s where the count goes.
function countText(texts, count) {
  const text = !count ? texts.none : count === 1 ? texts.one : texts.other;
  return (text || "").replace("%(num)s", String(count));
}

// `load(text, signal)` resolves to the items, or null when there are none to
// show; `fill(option, item)` writes one option; `choose(option)` acts on it.
export function setUpCombobox({ form, input, listbox, load, fill, choose, minLength = 1 }) {
  const status = form.querySelector("[aria-live]");
  const statusTexts = JSON.parse(form.dataset.statusTexts || "{}");
  let options = [];
  let active = -1;
  let timer = null;
  let controller = null;

  input.setAttribute("role", "combobox");
  input.setAttribute("aria-autocomplete", "list");
  input.setAttribute("aria-controls", listbox.id);
  input.setAttribute("aria-expanded", "false");

  const isOpen = () => !listbox.hidden;

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
    fill(option, item);
    return option;
  }

  function show(items) {
    close();
    options = items.map(makeOption);
    listbox.replaceChildren(...options);
    status.textContent = countText(statusTexts, options.length);
    open();
  }

  function reset() {
    if (controller) controller.abort();
    options = [];
    listbox.replaceChildren();
    status.textContent = "";
    close();
  }

  async function fetchItems(text) {
    if (controller) controller.abort();
    controller = new AbortController();
    try {
      const items = await load(text, controller.signal);
      if (items === null) return reset();
      if (input.value === text) show(items);
    } catch (error) {
      if (error.name !== "AbortError") reset();
    }
  }

  function pick(option) {
    close();
    choose(option);
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
    if (text.trim().length < minLength) return reset();
    timer = setTimeout(() => fetchItems(text), DEBOUNCE_MS);
  });

  input.addEventListener("keydown", (event) => {
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      if (event.altKey) return open();
      move(event.key === "ArrowDown" ? 1 : -1);
    } else if (event.key === "Enter") {
      // With no option chosen, Enter submits the form with what was typed.
      if (isOpen() && options[active]) {
        event.preventDefault();
        pick(options[active]);
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
    if (option) pick(option);
  });
  listbox.addEventListener("mousemove", (event) => {
    const option = event.target.closest("[role=option]");
    const index = options.indexOf(option);
    if (index >= 0 && index !== active) setActive(index);
  });
}

// GET a JSON answer for the combobox: null when it is not a JSON success.
export async function getJson(url, signal) {
  const response = await fetch(url, { headers: { Accept: "application/json" }, signal });
  const type = response.headers.get("Content-Type") || "";
  return response.ok && type.includes("json") ? response.json() : null;
}
