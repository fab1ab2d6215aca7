// The composer's helpers: @mention suggestions and a Markdown preview.
// channels.js asks `mentionsOpen()` before sending on Enter.

const input = document.getElementById("body");
const mentionList = document.getElementById("mention-list");
const previewBox = document.getElementById("preview");
const previewButton = document.getElementById("preview-button");
let choices = [];
let selected = -1;
let lastQuery = "";

function mentionAtCursor() {
  const before = input.value.slice(0, input.selectionStart);
  const match = before.match(/(?:^|\s)@([\w.-]{1,40})$/);
  return match ? match[1] : null;
}

function closeMentions() {
  mentionList.hidden = true;
  mentionList.replaceChildren();
  input.removeAttribute("aria-activedescendant");
  choices = [];
  selected = -1;
}

function showMentions(members) {
  choices = members;
  selected = members.length ? 0 : -1;
  mentionList.replaceChildren(...members.map((member, index) => {
    const option = document.createElement("li");
    option.id = `mention-${index}`;
    option.setAttribute("role", "option");
    option.textContent = `${member.display_name} (@${member.username})`;
    option.addEventListener("mousedown", (event) => { event.preventDefault(); pick(index); });
    return option;
  }));
  mentionList.hidden = members.length === 0;
  highlight();
}

function highlight() {
  [...mentionList.children].forEach((option, index) => {
    option.setAttribute("aria-selected", index === selected ? "true" : "false");
  });
  if (selected >= 0) input.setAttribute("aria-activedescendant", `mention-${selected}`);
}

function pick(index) {
  const member = choices[index];
  const cursor = input.selectionStart;
  const before = input.value.slice(0, cursor).replace(/@[\w.-]*$/, `@${member.username} `);
  input.value = before + input.value.slice(cursor);
  input.selectionStart = input.selectionEnd = before.length;
  closeMentions();
  input.focus();
}

async function suggestMentions() {
  const query = mentionAtCursor();
  if (!query) return closeMentions();
  if (query === lastQuery) return;
  lastQuery = query;
  const response = await fetch(`/api/v1/members?q=${encodeURIComponent(query)}&per_page=6`);
  if (!response.ok || query !== mentionAtCursor()) return;
  const page = await response.json();
  showMentions(page.items);
}

export function mentionsOpen() {
  return !mentionList.hidden && choices.length > 0;
}

function onKey(event) {
  if (!mentionsOpen()) return;
  if (event.key === "ArrowDown" || event.key === "ArrowUp") {
    event.preventDefault();
    const step = event.key === "ArrowDown" ? 1 : -1;
    selected = (selected + step + choices.length) % choices.length;
    highlight();
  } else if (event.key === "Enter" || event.key === "Tab") {
    event.preventDefault();
    event.stopImmediatePropagation(); // not a send
    pick(selected);
  } else if (event.key === "Escape") {
    closeMentions();
  }
}

export function setUpComposer(socket) {
  input.addEventListener("keydown", onKey);
  input.addEventListener("input", () => { lastQuery = ""; suggestMentions(); });
  input.addEventListener("blur", () => setTimeout(closeMentions, 150));
  previewButton.hidden = false;
  previewButton.addEventListener("click", () => {
    const showing = previewButton.getAttribute("aria-pressed") === "true";
    previewButton.setAttribute("aria-pressed", showing ? "false" : "true");
    if (showing || !input.value.trim()) {
      previewBox.hidden = true;
      return;
    }
    socket.emit("preview", { body: input.value }, (ack) => {
      previewBox.innerHTML = ack && ack.ok ? ack.html : ""; // sanitised by the server
      previewBox.hidden = false;
    });
  });
  input.addEventListener("input", () => {
    previewBox.hidden = true;
    previewButton.setAttribute("aria-pressed", "false");
  });
}
