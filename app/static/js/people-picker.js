// The "Écrire à un membre" field as a combobox (combobox.js): members whose name
// or username holds every typed word, accents and case ignored, come from the
// members API. Picking one opens the conversation. Without this module the form
// still works: the server accepts a display name or a username.

import { getJson, setUpCombobox } from "./combobox.js";

const MAX_OPTIONS = 8;

function setUpPicker(form) {
  const self = form.dataset.self;
  setUpCombobox({
    form,
    input: form.querySelector("input.fr-input"),
    listbox: form.querySelector("[role=listbox]"),
    minLength: 2,
    async load(text, signal) {
      const url = `${form.dataset.peopleUrl}?q=${encodeURIComponent(text)}&per_page=${MAX_OPTIONS + 1}`;
      const page = await getJson(url, signal);
      if (page === null) return null;
      return (page.items || []).filter((m) => m.username !== self).slice(0, MAX_OPTIONS);
    },
    fill(option, member) {
      option.dataset.username = member.username;
      const name = document.createElement("span");
      name.textContent = member.display_name;
      const username = document.createElement("span");
      username.className = "eig-search__kind";
      username.textContent = `@${member.username}`;
      option.append(name, " ", username);
    },
    // The username names the member without doubt: the form then opens the conversation.
    choose(option) {
      form.querySelector("input.fr-input").value = option.dataset.username;
      form.requestSubmit();
    },
  });
}

document.querySelectorAll("form[data-people-url]").forEach(setUpPicker);
