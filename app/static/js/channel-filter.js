// The channels page's filter: as the member types, each section keeps the
// channels whose name or description holds the words (accents and case aside),
// a promotion with a match opens, one without disappears. Without JavaScript
// the same form reloads the page with ?q=, filtered by the server.

const form = document.getElementById("channel-filter-form");
const input = document.getElementById("channel-filter");
const status = document.getElementById("channel-filter-status");
const sections = document.getElementById("channel-sections");
const texts = JSON.parse(form.dataset.statusTexts);

function fold(text) {
  return text.normalize("NFD").replace(/\p{M}/gu, "").toLowerCase().replace(/\s+/g, " ").trim();
}

function items() {
  return sections.querySelectorAll(".eig-channel-list__item, .eig-open-channel");
}

function filter() {
  const wanted = fold(input.value);
  let shown = 0;
  for (const item of items()) {
    const match = !wanted || fold(item.textContent).includes(wanted);
    item.hidden = !match;
    if (match) shown += 1;
  }
  for (const group of sections.querySelectorAll("details.eig-promotion")) {
    const any = group.querySelector(".eig-open-channel:not([hidden])") !== null;
    group.hidden = !any;
    if (wanted) group.open = any;
  }
  const text = shown === 0 ? texts.none : shown === 1 ? texts.one : texts.other;
  status.textContent = wanted ? text.replace("%(num)s", String(shown)) : "";
}

form.addEventListener("submit", (event) => event.preventDefault());
input.addEventListener("input", filter);
if (input.value) filter();
