// The "Écrire à un membre" field as a WAI-ARIA 1.2 combobox with a listbox popup
// (https://www.w3.org/WAI/ARIA/apg/patterns/combobox/): members whose name or
// username holds every typed word, accents and case ignored, come from the
// members API. Picking one opens the conversation. Without this module the form
// still works: the server accepts a display name or a username.

const DEBOUNCE_MS = 150;
const MAX_OPTIONS = 8;

function countText(texts, count) {
  const text = !count ? texts.none : count === 1 ? texts.one : texts.other;
  return (text || "").replace("%(num)s", String(count));
}

function setUpPicker(form) {
  const input = form.querySelector("input.fr-input");
  const listbox = form.querySelector("[role=listbox]");
  const status = form.querySelector("[aria-live]");
  const texts = JSON.parse(form.dataset.statusTexts || "{}");
  const self = form.dataset.self;
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

  function makeOption(member, index) {
    const option = document.createElement("li");
    option.id = `${listbox.id}-option-${index}`;
    option.className = "eig-search__option";
    option.setAttribute("role", "option");
    option.setAttribute("aria-selected", "false");
    option.dataset.username = member.username;
    const name = document.createElement("span");
    name.textContent = member.display_name;
    const username = document.createElement("span");
    username.className = "eig-search__kind";
    username.textContent = `@${member.username}`;
    option.append(name, " ", username);
    return option;
  }

  function show(members) {
    close();
    const others = members.filter((m) => m.username !== self).slice(0, MAX_OPTIONS);
    options = others.map(makeOption);
    listbox.replaceChildren(...options);
    status.textContent = countText(texts, options.length);
    open();
  }

  function reset() {
    if (controller) controller.abort();
    options = [];
    listbox.replaceChildren();
    status.textContent = "";
    close();
  }

  async function fetchMembers(text) {
    if (controller) controller.abort();
    controller = new AbortController();
    const url = `${form.dataset.peopleUrl}?q=${encodeURIComponent(text)}&per_page=${MAX_OPTIONS + 1}`;
    try {
      const response = await fetch(url, {
        headers: { Accept: "application/json" },
        signal: controller.signal,
      });
      if (!response.ok) return reset();
      const page = await response.json();
      if (input.value === text) show(page.items || []);
    } catch (error) {
      if (error.name !== "AbortError") reset();
    }
  }

  // The username names the member without doubt: the form then opens the conversation.
  function pick(option) {
    close();
    input.value = option.dataset.username;
    form.requestSubmit();
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
    if (text.trim().length < 2) return reset();
    timer = setTimeout(() => fetchMembers(text), DEBOUNCE_MS);
  });

  input.addEventListener("keydown", (event) => {
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      if (event.altKey) return open();
      move(event.key === "ArrowDown" ? 1 : -1);
    } else if (event.key === "Enter") {
      // With no option chosen, Enter submits what was typed: the server matches it.
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

document.querySelectorAll("form[data-people-url]").forEach(setUpPicker);
