// The bell in the header: its count follows new notifications live, through the
// member's own Socket.IO room (the server emits "notification_created" there).
// No inline script: this module is loaded by base.html for logged-in members.

import { onConnect, pageSocket } from "./socket.js";

function setCount(count) {
  for (const badge of document.querySelectorAll("[data-unread-count]")) {
    badge.firstChild.textContent = String(count);
    badge.hidden = count === 0;
  }
}

function addToList(notification) {
  const list = document.getElementById("notification-list");
  if (!list) return;
  // A burst (several messages of one person) updates its notification in place.
  const selector = `[data-notification-id="${Number(notification.id)}"]`;
  const known = list.querySelector(selector);
  if (known) {
    known.querySelector("a").textContent = notification.text;
    list.prepend(known);
    return;
  }
  document.getElementById("no-notifications")?.remove();
  const item = document.createElement("li");
  item.className = "fr-mb-2w eig-notification eig-notification--unread";
  item.dataset.notificationId = String(notification.id);
  const link = document.createElement("a");
  link.href = `/notifications/${notification.id}`;
  link.textContent = notification.text; // text, never HTML
  item.append(link);
  list.prepend(item);
}

function announce(text) {
  let region = document.getElementById("notification-live");
  if (!region) {
    region = document.createElement("p");
    region.id = "notification-live";
    region.className = "fr-sr-only";
    region.setAttribute("aria-live", "polite");
    document.body.append(region);
  }
  region.textContent = text;
}

if (typeof io === "function" && document.querySelector("[data-notification-bell]")) {
  const socket = pageSocket();
  const bells = document.querySelectorAll("[data-notification-bell]");
  const mark = (state) => bells.forEach((bell) => { bell.dataset.live = state; });
  onConnect(() => mark("connected"));
  socket.on("disconnect", () => mark("disconnected"));
  socket.on("notification_created", (notification) => {
    setCount(notification.unread);
    addToList(notification);
    announce(notification.text);
  });
  socket.on("notifications_read", (state) => setCount(state.unread));
}
