// The live channel page: messages over Socket.IO, catch-up after a reconnect,
// typing, presence, unread badges, reactions, replies, edit and delete. Without
// JavaScript the page still works: the composer posts a form and the page reloads.
// chat-view.js scrolls the conversation; chat-keys.js moves focus in it.

import { mentionsOpen, setUpComposer } from "./composer.js";
import {
  arrived, isPinned, keepingPosition, lastVisibleId, nearTop, onScroll, startView,
} from "./chat-view.js";
import { focusMessage, startKeys, syncTabStops } from "./chat-keys.js";
import { showSolved } from "./question-marks.js";
import { onConnect, pageSocket } from "./socket.js";
import { showTime } from "./times.js";

const chat = document.getElementById("chat");
const list = document.getElementById("messages");
const form = document.getElementById("composer");
const input = document.getElementById("body");
const errorBox = document.getElementById("composer-error");
const typingBox = document.getElementById("typing");
const stateBox = document.getElementById("connection-state");
const strings = JSON.parse(chat.dataset.strings);
const reactionChoices = JSON.parse(chat.dataset.reactionChoices);
const archived = chat.dataset.archived === "yes";
const olderPage = chat.dataset.history === "yes"; // ?before=: no live additions
const thread = Number(chat.dataset.thread) || null; // viewing one thread only
const parentInput = document.getElementById("parent_id");
const replyingBox = document.getElementById("replying");
const channel = chat.dataset.channel;
const me = chat.dataset.me;
const pending = new Map(); // client_id -> {body, parent}, sent again after a reconnect
const typists = new Map(); // display name -> timer
const HISTORY_PAGE = 50;
let lastId = Math.max(0, ...[...list.children].map((li) => Number(li.dataset.id) || 0));
let lastTypingSent = 0;
let reportedRead = 0;

const socket = pageSocket();

function say(template, values) {
  return template.replace(/\{(\w+)\}/g, (_, name) => values[name] ?? "");
}

function setState(state) {
  stateBox.dataset.state = state;
  stateBox.textContent = strings[state];
}

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

// The words of rendered HTML, cut at a word: what a reply shows of its parent.
function excerptOf(html, size = 120) {
  const doc = new DOMParser().parseFromString(html, "text/html");
  doc.body.querySelectorAll("p, li, br, pre, blockquote, h1, h2, h3, h4, h5, h6")
    .forEach((node) => node.append(" "));
  const text = doc.body.textContent.split(/\s+/).filter(Boolean).join(" ");
  if (text.length <= size) return text;
  const head = text.slice(0, size + 1);
  const cut = head.includes(" ") ? head.slice(0, head.lastIndexOf(" ")) : text.slice(0, size);
  return `${cut.replace(/[\s,;:.!?]+$/, "")}…`;
}

function renderBody(item, message) {
  const body = item.querySelector(".eig-message__body");
  if (message.deleted) {
    body.replaceChildren(el("p", "", ""));
    body.firstChild.appendChild(el("em", "", strings.deleted));
  } else {
    body.innerHTML = message.html; // sanitised by the server (nh3)
  }
}

function messageItem(message) {
  const item = el("li", "eig-message");
  item.id = `message-${message.id}`;
  item.tabIndex = -1;
  item.dataset.id = message.id;
  item.dataset.author = message.author ? message.author.username : "";
  item.dataset.parent = message.parent_id || "";
  if (message.parent && !thread) {
    item.classList.add("eig-message--reply");
    item.appendChild(replyToLine(message));
  }
  const meta = el("p", "eig-message__meta");
  if (message.author) {
    const link = el("a", "eig-message__author", message.author.display_name);
    link.href = `/members/${encodeURIComponent(message.author.username)}`;
    meta.appendChild(link);
  } else if (message.imported_author) {
    meta.append(el("span", "eig-message__author", message.imported_author), " ",
      el("span", "eig-message__imported", strings.imported));
  } else {
    meta.appendChild(el("span", "eig-message__author", strings.former_member));
  }
  const time = el("time");
  time.dateTime = message.created_at;
  time.dataset.time = "";
  showTime(time);
  meta.append(" ", time);
  item.append(meta, el("div", "eig-message__body eig-markdown"));
  updateItem(item, message);
  return item;
}

function updateItem(item, message) {
  item.classList.toggle("eig-message--deleted", message.deleted);
  const meta = item.querySelector(".eig-message__meta");
  meta.querySelector(".eig-message__edited")?.remove();
  if (message.edited_at && !message.deleted) {
    meta.appendChild(el("span", "eig-message__edited", ` (${strings.edited})`));
  }
  renderBody(item, message);
  renderReactions(item, message.deleted ? null : message.reactions || []);
  addTools(item);
  followParent(message);
  syncTabStops(item);
}

// A reply's excerpt follows its parent's edits and deletion.
function followParent(message) {
  const text = message.deleted ? strings.deleted : excerptOf(message.html || "");
  list.querySelectorAll(`.eig-message[data-parent="${message.id}"] .eig-message__excerpt`)
    .forEach((span) => { span.textContent = text; });
}

// Reactions ---------------------------------------------------------------

function reactionButton(id, emoji, count, mine, names) {
  const button = el("button", "fr-tag fr-tag--sm eig-reaction", `${emoji} ${count}`);
  button.type = "button";
  button.dataset.emoji = emoji;
  button.setAttribute("aria-pressed", mine ? "true" : "false");
  button.title = names.join(", ");
  button.addEventListener("click", () => react(id, emoji));
  return button;
}

// Rebuilding the chips keeps focus where it was (or on the toolbar's button).
function renderReactions(item, reactions) {
  let box = item.querySelector(".eig-reactions");
  if (reactions === null) return box?.remove();
  if (!box) {
    box = el("p", "eig-reactions");
    item.querySelector(".eig-message__body").after(box);
  }
  const focused = box.contains(document.activeElement) ? document.activeElement.dataset.emoji : null;
  const id = Number(item.dataset.id);
  box.replaceChildren(...reactions.map((r) =>
    reactionButton(id, r.emoji, r.count, r.members.includes(me), r.members)));
  box.hidden = reactions.length === 0;
  if (focused === null) return;
  const again = [...box.children].find((chip) => chip.dataset.emoji === focused);
  (again || item.querySelector(".eig-react") || item).focus();
}

function closePicker(item, refocus) {
  const picker = item.querySelector(".eig-react-picker");
  if (!picker) return;
  const button = item.querySelector(".eig-react");
  button?.setAttribute("aria-expanded", "false");
  if (refocus) button?.focus(); // before the removal, so focus never falls to <body>
  picker.remove();
}

// Arrow keys move among the emoji, Escape closes, the choice reacts.
function pickerKeys(event, item) {
  const choices = [...event.currentTarget.querySelectorAll("button")];
  const at = choices.indexOf(document.activeElement);
  const step = { ArrowRight: 1, ArrowDown: 1, ArrowLeft: -1, ArrowUp: -1 }[event.key];
  if (event.key === "Escape") {
    closePicker(item, true);
  } else if (step) {
    choices[(at + step + choices.length) % choices.length].focus();
  } else if (event.key === "Home" || event.key === "End") {
    choices[event.key === "Home" ? 0 : choices.length - 1].focus();
  } else {
    return;
  }
  event.preventDefault();
  event.stopPropagation();
}

function openPicker(item) {
  const button = item.querySelector(".eig-react");
  if (item.querySelector(".eig-react-picker")) return closePicker(item, true);
  const picker = el("div", "eig-react-picker");
  picker.setAttribute("role", "group");
  picker.setAttribute("aria-label", strings.reactions);
  const id = Number(item.dataset.id);
  for (const emoji of reactionChoices) {
    const choice = el("button", "fr-btn fr-btn--sm fr-btn--tertiary-no-outline", emoji);
    choice.type = "button";
    choice.addEventListener("click", () => { closePicker(item, true); react(id, emoji); });
    picker.appendChild(choice);
  }
  picker.addEventListener("keydown", (event) => pickerKeys(event, item));
  picker.addEventListener("focusout", (event) => {
    if (!item.contains(event.relatedTarget)) closePicker(item, false);
  });
  button.setAttribute("aria-expanded", "true");
  item.querySelector(".eig-message__tools").after(picker);
  picker.firstChild.focus();
}

function react(id, emoji) {
  socket.emit("react", { id, emoji }, showAckError);
}

function addMessage(message) {
  if (message.channel !== channel || !belongsHere(message) || olderPage) return;
  document.getElementById("no-messages")?.remove();
  if (document.getElementById(`message-${message.id}`)) return; // nothing twice
  stopTyping(message.author);
  const wasPinned = isPinned();
  // Two server processes may deliver out of order: ids say the true order.
  const later = [...list.querySelectorAll(".eig-message")].find(
    (li) => Number(li.dataset.id) > message.id,
  );
  const item = messageItem(message);
  list.insertBefore(item, later || null);
  if (list.querySelectorAll(".eig-message").length === 1) startKeys(item);
  lastId = Math.max(lastId, message.id);
  if (message.client_id) pending.delete(message.client_id);
  if (message.parent_id && !thread) countReply(message.parent_id);
  arrived(wasPinned, message.author && message.author.username === me);
  markRead();
}

// Unread -----------------------------------------------------------------

function badgeOf(slug) {
  return document.querySelector(`#channel-list [data-channel="${CSS.escape(slug)}"] .eig-unread`);
}

function setUnread(slug, count) {
  const badge = badgeOf(slug);
  if (!badge) return;
  const change = count - Number(badge.dataset.unread);
  badge.dataset.unread = count;
  badge.firstChild.textContent = count;
  badge.hidden = count === 0;
  const total = document.querySelector("[data-unread-messages]");
  if (!total || change === 0) return;
  const sum = Math.max(0, Number(total.firstChild.textContent) + change);
  total.firstChild.textContent = sum;
  total.hidden = sum === 0;
}

// Read means seen: up to the newest message on screen, while the tab is shown.
function markRead() {
  if (chat.dataset.member !== "yes" || document.visibilityState !== "visible") return;
  const seen = lastVisibleId();
  if (seen <= reportedRead) return;
  reportedRead = seen;
  socket.emit("mark_read", { channel, message_id: seen }, (ack) => {
    if (ack && ack.ok) setUnread(channel, ack.unread);
  });
}

function showNewMarker() {
  const lastRead = Number(chat.dataset.lastRead);
  const first = [...list.children].find(
    (li) => Number(li.dataset.id) > lastRead && li.dataset.author !== me,
  );
  if (!lastRead || !first) return null;
  const marker = el("li", "eig-new-marker", strings.new_messages); // a list item: axe "list"
  marker.id = "new-marker";
  list.insertBefore(marker, first);
  return first;
}

// The toolbar: react, reply, edit, delete ----------------------------------

function toolButton(label, icon, action) {
  const button = el("button", `fr-btn fr-btn--sm fr-btn--tertiary-no-outline ${icon}`, label);
  button.type = "button";
  button.title = label;
  button.addEventListener("click", action);
  return button;
}

function addTools(item) {
  item.querySelector(".eig-message__tools")?.remove();
  if (item.classList.contains("eig-message--deleted") || archived || !form) return;
  const tools = el("p", "eig-message__tools");
  tools.setAttribute("role", "group");
  tools.setAttribute("aria-label", strings.actions);
  const react = toolButton(strings.react, "fr-icon-emoji-sticker-line eig-react", () => openPicker(item));
  react.setAttribute("aria-expanded", "false");
  tools.appendChild(react);
  if (!thread) tools.appendChild(toolButton(strings.reply, "fr-icon-reply-line", () => replyTo(item)));
  if (item.dataset.author === me) {
    tools.appendChild(toolButton(strings.edit, "fr-icon-edit-line", () => startEdit(item)));
    tools.appendChild(toolButton(strings.delete, "fr-icon-delete-line", () => remove(item)));
  }
  item.querySelector(".eig-message__meta").after(tools);
}

function remove(item) {
  if (!window.confirm(strings.confirm_delete)) return item.focus();
  socket.emit("delete_message", { id: Number(item.dataset.id) }, (ack) => {
    showAckError(ack);
    item.focus();
  });
}

// Threads ----------------------------------------------------------------

function replyTo(item) {
  const root = Number(item.dataset.parent) || Number(item.dataset.id);
  const name = item.querySelector(".eig-message__author").textContent;
  parentInput.value = root;
  replyingBox.querySelector("span").textContent = say(strings.replying_to, { name });
  replyingBox.hidden = false;
  input.focus();
}

function cancelReply() {
  parentInput.value = thread || "";
  replyingBox.hidden = true;
}

function replyToLine(message) {
  const line = el("p", "eig-message__reply-to");
  const link = el("a", "", `↳ ${say(strings.in_reply_to, {
    name: message.parent.author ? message.parent.author.display_name
      : message.parent.imported_author || strings.former_member,
  })}`);
  link.href = `?thread=${message.parent_id}`;
  const excerpt = el("span", "eig-message__excerpt", message.parent.excerpt || strings.deleted);
  line.append(link, " : ", excerpt);
  return line;
}

function countReply(parentId) {
  const parent = document.getElementById(`message-${parentId}`);
  if (!parent) return;
  let link = parent.querySelector(".eig-message__thread a");
  if (!link) {
    const line = el("p", "eig-message__thread");
    link = el("a", "");
    link.href = `?thread=${parentId}`;
    link.dataset.replies = "0";
    line.appendChild(link);
    parent.querySelector(".eig-message__body").after(line);
    syncTabStops(parent);
  }
  const count = Number(link.dataset.replies) + 1;
  link.dataset.replies = count;
  link.textContent = count === 1 ? strings.replies_one : say(strings.replies_many, { num: count });
}

function belongsHere(message) {
  return !thread || message.id === thread || message.parent_id === thread;
}

// Editing: Enter saves, Shift+Enter adds a line, Escape cancels; focus returns
// to the message either way.

function startEdit(item) {
  const id = Number(item.dataset.id);
  fetch(`/api/v1/channels/${encodeURIComponent(channel)}/messages?after=${id - 1}&limit=1`)
    .then((response) => response.json())
    .then((data) => {
      const message = data.messages.find((m) => m.id === id);
      if (message) editor(item, message.body);
    });
}

function closeEditor(item) {
  item.querySelector(".eig-message__editor")?.remove();
  item.classList.remove("eig-message--editing");
  focusMessage(item);
}

function save(item, area) {
  socket.emit("edit_message", { id: Number(item.dataset.id), body: area.value }, (ack) => {
    showAckError(ack);
    if (ack && ack.ok) closeEditor(item);
  });
}

function editor(item, text) {
  item.querySelector(".eig-message__editor")?.remove();
  const area = el("textarea", "fr-input");
  area.value = text;
  area.rows = Math.min(8, Math.max(3, text.split("\n").length + 1));
  area.setAttribute("aria-label", strings.edit_label);
  const hint = el("p", "fr-hint-text fr-mb-1v", strings.edit_hint);
  hint.id = `edit-hint-${item.dataset.id}`;
  area.setAttribute("aria-describedby", hint.id);
  const saveButton = el("button", "fr-btn fr-btn--sm fr-mr-1w", strings.save);
  const cancel = el("button", "fr-btn fr-btn--sm fr-btn--secondary", strings.cancel);
  saveButton.type = cancel.type = "button";
  const box = el("div", "eig-message__editor");
  box.append(area, hint, saveButton, cancel);
  item.classList.add("eig-message--editing");
  item.querySelector(".eig-message__body").after(box);
  area.focus({ preventScroll: true });
  box.scrollIntoView({ block: "nearest" });
  area.setSelectionRange(area.value.length, area.value.length);
  cancel.addEventListener("click", () => closeEditor(item));
  saveButton.addEventListener("click", () => save(item, area));
  area.addEventListener("keydown", (event) => {
    if (event.key === "Escape") {
      event.preventDefault();
      closeEditor(item);
    } else if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      save(item, area);
    }
  });
}

function showAckError(ack) {
  errorBox.textContent = ack && !ack.ok ? say(strings.send_failed, { error: ack.error }) : "";
}

// Sending ----------------------------------------------------------------

// Writing in an open channel joins it: the page shows so without a reload.
function becomeMember() {
  if (chat.dataset.member === "yes") return;
  chat.dataset.member = "yes";
  document.getElementById("join-form")?.remove();
  const leave = document.getElementById("leave-form");
  if (leave) leave.hidden = false;
  const members = document.getElementById("channel-members");
  if (members.querySelector(`[data-username="${CSS.escape(me)}"]`)) return;
  const row = el("li");
  row.dataset.username = me;
  row.className = "eig-online";
  const link = el("a", "", chat.dataset.meName);
  link.href = `/members/${encodeURIComponent(me)}`;
  row.append(el("span", "eig-presence"), link);
  row.firstChild.setAttribute("aria-hidden", "true");
  members.appendChild(row);
  const count = document.getElementById("member-count");
  count.textContent = Number(count.textContent) + 1;
}

function send(clientId, { body, parent }) {
  const data = { channel, body, client_id: clientId, parent_id: parent };
  socket.emit("send_message", data, (ack) => {
    if (ack && ack.ok) {
      pending.delete(clientId);
      errorBox.textContent = "";
      becomeMember();
    } else if (ack) {
      pending.delete(clientId);
      showAckError(ack);
      if (!input.value) input.value = body; // give the text back
    }
  });
}

function submit(event) {
  event.preventDefault();
  const body = input.value.trim();
  if (!body) return;
  const clientId = crypto.randomUUID ? crypto.randomUUID() : `${Date.now()}-${Math.random()}`;
  const message = { body, parent: Number(parentInput.value) || null };
  pending.set(clientId, message);
  input.value = "";
  cancelReply();
  if (socket.connected) send(clientId, message);
}

function onKey(event) {
  if (mentionsOpen()) return; // Enter picks the suggested member
  if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
    submit(event);
  } else if (Date.now() - lastTypingSent > 3000) {
    lastTypingSent = Date.now();
    socket.emit("typing", { channel });
  }
}

// Typing and presence --------------------------------------------------------

function showTyping() {
  const names = [...typists.keys()];
  typingBox.textContent = names.length === 0 ? ""
    : names.length === 1 ? say(strings.typing_one, { name: names[0] })
    : strings.typing_many;
}

function onTyping(data) {
  if (data.channel !== channel || data.member.username === me) return;
  const name = data.member.display_name;
  clearTimeout(typists.get(name));
  typists.set(name, setTimeout(() => { typists.delete(name); showTyping(); }, 5000));
  showTyping();
}

// Their message is there: they are no longer typing it.
function stopTyping(author) {
  if (!author || !typists.has(author.display_name)) return;
  clearTimeout(typists.get(author.display_name));
  typists.delete(author.display_name);
  showTyping();
}

function setOnline(username, online) {
  const row = document.querySelector(`#channel-members [data-username="${CSS.escape(username)}"]`);
  if (row) row.classList.toggle("eig-online", online);
}

// History: older messages load as the reader scrolls up ------------------------

let loadingOlder = false;

function olderLink() {
  return document.getElementById("load-older");
}

function showOlder(messages) {
  const anchor = list.firstChild;
  list.setAttribute("aria-busy", "true"); // history is not news to announce
  keepingPosition(() => {
    for (const message of messages) {
      if (!document.getElementById(`message-${message.id}`)) {
        list.insertBefore(messageItem(message), anchor);
      }
    }
  });
  list.setAttribute("aria-busy", "false");
}

function noMoreHistory() {
  const link = olderLink();
  const hadFocus = link === document.activeElement;
  link.parentElement.replaceChildren(strings.start);
  if (hadFocus) focusMessage(list.querySelector(".eig-message"));
}

function loadOlder() {
  const link = olderLink();
  if (!link || loadingOlder || thread) return;
  loadingOlder = true;
  link.textContent = strings.loading;
  const first = list.querySelector(".eig-message");
  const before = first ? Number(first.dataset.id) : lastId + 1;
  fetch(`/api/v1/channels/${encodeURIComponent(channel)}/messages?before=${before}&limit=${HISTORY_PAGE}`)
    .then((response) => response.json())
    .then((data) => {
      showOlder(data.messages);
      if (data.messages.length < HISTORY_PAGE) return noMoreHistory();
      link.textContent = strings.load_older;
      link.href = `?before=${data.messages[0].id}`;
    })
    .catch(() => { link.textContent = strings.load_older; })
    .finally(() => { loadingOlder = false; });
}

// Wiring -----------------------------------------------------------------

onConnect(() => {
  setState("connected");
  socket.emit("join_channel", { channel, after: lastId }, (ack) => {
    if (!ack || !ack.ok) return showAckError(ack);
    ack.messages.forEach(addMessage); // what was missed, in order
    document.querySelectorAll("#channel-members [data-username]").forEach((row) => {
      setOnline(row.dataset.username, ack.online.includes(row.dataset.username));
    });
    for (const [clientId, message] of pending) send(clientId, message); // stored once
    markRead();
  });
});
socket.on("disconnect", () => setState("offline"));
socket.io.on("reconnect_attempt", () => setState("connecting"));
socket.on("message_posted", (message) => {
  if (message.channel === channel) {
    addMessage(message);
  } else if (message.author && message.author.username !== me) {
    const badge = badgeOf(message.channel);
    if (badge) setUnread(message.channel, Number(badge.dataset.unread) + 1);
  }
});
socket.on("message_edited", (message) => {
  const item = document.getElementById(`message-${message.id}`);
  if (item) updateItem(item, message);
  else followParent(message);
});
socket.on("message_deleted", (data) => {
  const item = document.getElementById(`message-${data.id}`);
  const gone = { id: data.id, deleted: true, edited_at: null, html: "" };
  if (item) updateItem(item, gone);
  else followParent(gone);
});
socket.on("message_reacted", (data) => {
  const item = document.getElementById(`message-${data.id}`);
  if (item) renderReactions(item, data.reactions);
});
socket.on("question_solved", (data) => showSolved(list, data, strings));
socket.on("typing", onTyping);
socket.on("presence", (data) => setOnline(data.member.username, data.online));

if (form) {
  setUpComposer(socket); // its keydown handler comes first
  form.addEventListener("submit", submit);
  input.addEventListener("keydown", onKey);
}
document.getElementById("cancel-reply")?.addEventListener("click", cancelReply);
olderLink()?.addEventListener("click", (event) => { event.preventDefault(); loadOlder(); });
document.addEventListener("visibilitychange", markRead);
list.querySelectorAll(".eig-message").forEach((item) => {
  const box = item.querySelector(".eig-reactions");
  if (box) renderReactions(item, JSON.parse(box.dataset.reactions));
  addTools(item);
});
const firstUnread = showNewMarker();
startKeys(firstUnread);
startView();
onScroll(() => {
  markRead();
  if (nearTop()) loadOlder();
});
setState(socket.connected ? "connected" : "connecting");
