// The message list by keyboard: the whole list is one Tab stop; arrow keys
// move from message to message; the focused message's own controls (author,
// links, reactions, its toolbar) join the Tab order; Escape, or "c" anywhere
// outside a field, goes to the composer.

import { reveal } from "./chat-view.js";

const list = document.getElementById("messages");
const input = document.getElementById("body");
const CONTROLS = "a[href], button, textarea";
const PAGE = 10;
let active = null; // the message that holds the list's Tab stop

export function syncTabStops(item) {
  const on = item === active;
  item.tabIndex = on ? 0 : -1;
  for (const control of item.querySelectorAll(CONTROLS)) control.tabIndex = on ? 0 : -1;
}

export function setActive(item) {
  if (active === item) return;
  const previous = active;
  active = item;
  if (previous?.isConnected) syncTabStops(previous);
  if (item) syncTabStops(item);
}

function messages() {
  return [...list.querySelectorAll(".eig-message")];
}

function focusMessage(item) {
  if (!item) return;
  setActive(item);
  item.focus({ preventScroll: true });
  reveal(item);
}

function target(item, key) {
  const all = messages();
  const at = all.indexOf(item);
  const to = {
    ArrowDown: at + 1, ArrowUp: at - 1, PageDown: at + PAGE, PageUp: at - PAGE,
    Home: 0, End: all.length - 1,
  }[key];
  return to === undefined ? undefined : all[Math.min(Math.max(to, 0), all.length - 1)];
}

function typing(node) {
  return node.closest("textarea, input, select, [contenteditable=true]");
}

export function focusComposer() {
  if (!input) return;
  input.focus();
  input.scrollIntoView({ block: "nearest" });
}

list.addEventListener("focusin", (event) => {
  const item = event.target.closest(".eig-message");
  if (item) setActive(item);
});

list.addEventListener("keydown", (event) => {
  if (typing(event.target) || event.target.closest(".eig-react-picker")) return;
  const item = event.target.closest(".eig-message");
  if (!item || event.altKey || event.ctrlKey || event.metaKey) return;
  if (event.key === "Escape") {
    event.preventDefault();
    focusComposer();
    return;
  }
  // Home and End stay with a focused link's or button's own text.
  if ((event.key === "Home" || event.key === "End") && event.target !== item) return;
  const next = target(item, event.key);
  if (next === undefined) return;
  event.preventDefault();
  focusMessage(next);
});

document.addEventListener("keydown", (event) => {
  if (event.key !== "c" || event.altKey || event.ctrlKey || event.metaKey) return;
  if (typing(event.target) || event.defaultPrevented) return;
  event.preventDefault();
  focusComposer();
});

// The list's Tab stop starts on the given message (first unread, or newest).
export function startKeys(item) {
  messages().forEach(syncTabStops);
  setActive(item || messages().at(-1) || null);
}

export { focusMessage };
