// The live channel page: messages over Socket.IO, catch-up after a reconnect,
// typing, presence, unread badges, edit and delete. Without JavaScript the page
// still works: the composer posts a form and the page reloads.

import { mentionsOpen, setUpComposer } from "./composer.js";
import { onConnect, pageSocket } from "./socket.js";

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
const thread = Number(chat.dataset.thread) || null; // viewing one thread only
const parentInput = document.getElementById("parent_id");
const replyingBox = document.getElementById("replying");
const channel = chat.dataset.channel;
const me = chat.dataset.me;
const pending = new Map(); // client_id -> {body, parent}, sent again after a reconnect
const typists = new Map(); // username -> timer
let lastId = Math.max(0, ...[...list.children].map((li) => Number(li.dataset.id)));
let lastTypingSent = 0;

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

function formatTime(iso) {
  const date = new Date(iso);
  return date.toLocaleString(document.documentElement.lang, {
    day: "2-digit", month: "2-digit", year: "numeric", hour: "2-digit", minute: "2-digit",
  });
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
  } else {
    meta.appendChild(el("span", "eig-message__author", strings.former_member));
  }
  const time = el("time", "", formatTime(message.created_at));
  time.dateTime = message.created_at;
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
}

// Reactions ---------------------------------------------------------------

function reactionButton(id, emoji, count, mine, names) {
  const button = el("button", "fr-tag fr-tag--sm eig-reaction", `${emoji} ${count}`);
  button.type = "button";
  button.setAttribute("aria-pressed", mine ? "true" : "false");
  button.title = names.join(", ");
  button.addEventListener("click", () => react(id, emoji));
  return button;
}

function renderReactions(item, reactions) {
  let box = item.querySelector(".eig-reactions");
  if (reactions === null) return box?.remove();
  if (!box) {
    box = el("p", "eig-reactions");
    item.querySelector(".eig-message__body").after(box);
  }
  const id = Number(item.dataset.id);
  box.replaceChildren(...reactions.map((r) =>
    reactionButton(id, r.emoji, r.count, r.members.includes(me), r.members)));
  if (archived) return;
  const add = el("button", "fr-btn fr-btn--sm fr-btn--tertiary-no-outline eig-react", "☺+");
  add.type = "button";
  add.title = strings.react;
  add.setAttribute("aria-label", strings.react);
  add.setAttribute("aria-expanded", "false");
  add.addEventListener("click", () => togglePicker(box, add, id));
  box.appendChild(add);
}

function togglePicker(box, add, id) {
  const open = box.querySelector(".eig-react-picker");
  add.setAttribute("aria-expanded", open ? "false" : "true");
  if (open) return open.remove();
  const picker = el("span", "eig-react-picker");
  for (const emoji of reactionChoices) {
    const choice = el("button", "fr-btn fr-btn--sm fr-btn--tertiary-no-outline", emoji);
    choice.type = "button";
    choice.addEventListener("click", () => { picker.remove(); react(id, emoji); });
    picker.appendChild(choice);
  }
  box.appendChild(picker);
  picker.firstChild.focus();
}

function react(id, emoji) {
  socket.emit("react", { id, emoji }, showAckError);
}

function addMessage(message) {
  if (message.channel !== channel || !belongsHere(message)) return;
  document.getElementById("no-messages")?.remove();
  const existing = document.getElementById(`message-${message.id}`);
  if (existing) return; // nothing twice
  // Two server processes may deliver out of order: ids say the true order.
  const later = [...list.querySelectorAll(".eig-message")].find(
    (li) => Number(li.dataset.id) > message.id,
  );
  list.insertBefore(messageItem(message), later || null);
  lastId = Math.max(lastId, message.id);
  if (message.client_id) pending.delete(message.client_id);
  if (message.parent_id && !thread) countReply(message.parent_id);
  markRead();
}

// Unread -----------------------------------------------------------------

function badgeOf(slug) {
  return document.querySelector(`#channel-list [data-channel="${CSS.escape(slug)}"] .eig-unread`);
}

function setUnread(slug, count) {
  const badge = badgeOf(slug);
  if (!badge) return;
  badge.dataset.unread = count;
  badge.firstChild.textContent = count;
  badge.hidden = count === 0;
}

function markRead() {
  if (chat.dataset.member !== "yes" || document.visibilityState !== "visible") return;
  socket.emit("mark_read", { channel, message_id: lastId }, (ack) => {
    if (ack && ack.ok) setUnread(channel, ack.unread);
  });
}

function showNewMarker() {
  const lastRead = Number(chat.dataset.lastRead);
  const first = [...list.children].find(
    (li) => Number(li.dataset.id) > lastRead && li.dataset.author !== me,
  );
  if (!lastRead || !first) return;
  const marker = el("li", "eig-new-marker", strings.new_messages);
  marker.id = "new-marker";
  marker.setAttribute("role", "separator");
  list.insertBefore(marker, first);
}

// Edit and delete ----------------------------------------------------------

function toolButton(label, action) {
  const button = el("button", "fr-btn fr-btn--sm fr-btn--tertiary-no-outline", label);
  button.type = "button";
  button.addEventListener("click", action);
  return button;
}

function addTools(item) {
  item.querySelector(".eig-message__tools")?.remove();
  if (item.classList.contains("eig-message--deleted") || archived || !form) return;
  const tools = el("p", "eig-message__tools");
  if (!thread) tools.appendChild(toolButton(strings.reply, () => replyTo(item)));
  if (item.dataset.author === me) {
    tools.appendChild(toolButton(strings.edit, () => startEdit(item)));
    tools.appendChild(toolButton(strings.delete, () => {
      if (window.confirm(strings.confirm_delete)) {
        socket.emit("delete_message", { id: Number(item.dataset.id) }, showAckError);
      }
    }));
  }
  item.appendChild(tools);
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
    name: message.parent.author ? message.parent.author.display_name : strings.former_member,
  })}`);
  link.href = `?thread=${message.parent_id}`;
  line.append(link, ` : ${message.parent.excerpt.slice(0, 80)}`);
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
  }
  const count = Number(link.dataset.replies) + 1;
  link.dataset.replies = count;
  link.textContent = count === 1 ? strings.replies_one : say(strings.replies_many, { num: count });
}

function belongsHere(message) {
  return !thread || message.id === thread || message.parent_id === thread;
}

function startEdit(item) {
  const id = Number(item.dataset.id);
  fetch(`/api/v1/channels/${encodeURIComponent(channel)}/messages?after=${id - 1}&limit=1`)
    .then((response) => response.json())
    .then((data) => {
      const message = data.messages.find((m) => m.id === id);
      if (message) editor(item, message.body);
    });
}

function editor(item, text) {
  const area = el("textarea", "fr-input");
  area.value = text;
  area.setAttribute("aria-label", strings.edit);
  const save = el("button", "fr-btn fr-btn--sm", strings.save);
  const cancel = el("button", "fr-btn fr-btn--sm fr-btn--secondary", strings.cancel);
  save.type = cancel.type = "button";
  const box = el("div", "eig-message__editor");
  box.append(area, save, cancel);
  item.appendChild(box);
  area.focus();
  cancel.addEventListener("click", () => box.remove());
  save.addEventListener("click", () => {
    socket.emit("edit_message", { id: Number(item.dataset.id), body: area.value }, (ack) => {
      showAckError(ack);
      if (ack && ack.ok) box.remove();
    });
  });
}

function showAckError(ack) {
  errorBox.textContent = ack && !ack.ok ? say(strings.send_failed, { error: ack.error }) : "";
}

// Sending ----------------------------------------------------------------

function send(clientId, { body, parent }) {
  const data = { channel, body, client_id: clientId, parent_id: parent };
  socket.emit("send_message", data, (ack) => {
    if (ack && ack.ok) {
      pending.delete(clientId);
      errorBox.textContent = "";
      chat.dataset.member = "yes";
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

function setOnline(username, online) {
  const row = document.querySelector(`#channel-members [data-username="${CSS.escape(username)}"]`);
  if (row) row.classList.toggle("eig-online", online);
}

// History ----------------------------------------------------------------

function loadOlder(button) {
  const first = list.querySelector(".eig-message");
  const before = first ? Number(first.dataset.id) : lastId + 1;
  fetch(`/api/v1/channels/${encodeURIComponent(channel)}/messages?before=${before}&limit=50`)
    .then((response) => response.json())
    .then((data) => {
      const anchor = list.firstChild;
      for (const message of data.messages) {
        if (!document.getElementById(`message-${message.id}`)) {
          list.insertBefore(messageItem(message), anchor);
        }
      }
      if (data.messages.length < 50) button.remove();
    });
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
});
socket.on("message_deleted", (data) => {
  const item = document.getElementById(`message-${data.id}`);
  if (item) updateItem(item, { deleted: true, edited_at: null, html: "" });
});
socket.on("message_reacted", (data) => {
  const item = document.getElementById(`message-${data.id}`);
  if (item) renderReactions(item, data.reactions);
});
socket.on("typing", onTyping);
socket.on("presence", (data) => setOnline(data.member.username, data.online));

if (form) {
  setUpComposer(socket); // its keydown handler comes first
  form.addEventListener("submit", submit);
  input.addEventListener("keydown", onKey);
}
document.getElementById("cancel-reply")?.addEventListener("click", cancelReply);
document.getElementById("load-older")?.addEventListener("click", (e) => loadOlder(e.target));
document.addEventListener("visibilitychange", markRead);
list.querySelectorAll(".eig-message").forEach((item) => {
  const box = item.querySelector(".eig-reactions");
  if (box) renderReactions(item, JSON.parse(box.dataset.reactions));
  addTools(item);
});
showNewMarker();
setState(socket.connected ? "connected" : "connecting");
