// The conversation's scrolling, as Slack and Zulip do it: the chat fills the
// screen with the composer in sight, opens on the first unread message (under
// the "Nouveaux messages" divider) or on the newest, follows new messages while
// the reader is at the bottom, and otherwise offers a pill that counts them.

const chat = document.getElementById("chat");
const scroller = document.getElementById("scroller");
const list = document.getElementById("messages");
const jump = document.getElementById("jump-latest");
const strings = JSON.parse(chat.dataset.strings);
const NEAR_BOTTOM = 48; // px: a reader this close to the end is "at the bottom"
const NEAR_TOP = 300; // px: older history loads before the reader reaches it
const MIN_HEIGHT = 352; // px: below this the page scrolls as a whole instead

let pinned = true; // the reader is at the bottom: new messages keep them there
let unseen = 0; // messages that arrived below while the reader was up
let seenTop = 0; // scrollTop when `pinned` was last decided
const scrollListeners = [];

function measuredBottom() {
  return scroller.scrollHeight - scroller.scrollTop - scroller.clientHeight <= NEAR_BOTTOM;
}

function decide(value) {
  pinned = value;
  seenTop = scroller.scrollTop;
}

function showJump() {
  jump.hidden = pinned;
  jump.textContent = unseen === 0 ? strings.latest
    : unseen === 1 ? strings.new_below_one
    : strings.new_below_many.replace("{num}", unseen);
}

export function toBottom() {
  scroller.scrollTop = scroller.scrollHeight;
  decide(true);
  unseen = 0;
  showJump();
}

function fit() {
  const top = chat.getBoundingClientRect().top + window.scrollY;
  const screen = window.visualViewport ? window.visualViewport.height : window.innerHeight;
  chat.style.height = `${Math.max(screen - top - 12, MIN_HEIGHT)}px`;
  chat.classList.add("eig-chat--fitted");
}

// The first unread message under its divider, else the newest at the bottom.
function openOnWhatIsNew() {
  const marker = document.getElementById("new-marker");
  if (!marker) return toBottom();
  scroller.scrollTop = Math.max(0, marker.offsetTop - 8);
  decide(measuredBottom());
  showJump();
}

// Call before adding a message, then `arrived` with what it returned. A
// scroll the browser has not reported yet (its event comes with the next
// frame) still counts: the reader who just left the bottom is not pulled back.
export function isPinned() {
  if (scroller.scrollTop !== seenTop) decide(measuredBottom());
  return pinned;
}

export function arrived(wasPinned, mine) {
  if (wasPinned || mine) return toBottom();
  unseen += 1;
  showJump();
}

// Insert older messages above without moving what the reader looks at.
export function keepingPosition(insert) {
  const before = scroller.scrollHeight;
  const top = scroller.scrollTop;
  insert();
  scroller.scrollTop = top + (scroller.scrollHeight - before);
  seenTop = scroller.scrollTop;
}

export function nearTop() {
  return scroller.scrollTop < NEAR_TOP;
}

// The newest message the reader has on screen (what "read" can mean).
export function lastVisibleId() {
  const bottom = scroller.scrollTop + scroller.clientHeight;
  const items = list.querySelectorAll(".eig-message");
  for (let i = items.length - 1; i >= 0; i -= 1) {
    if (items[i].offsetTop < bottom) return Number(items[i].dataset.id);
  }
  return 0;
}

export function onScroll(callback) {
  scrollListeners.push(callback);
}

// Keep the message in view when focus moves to it (arrow keys).
export function reveal(item) {
  item.scrollIntoView({ block: "nearest" });
}

let ticking = false;
scroller.addEventListener("scroll", () => {
  decide(measuredBottom());
  if (pinned) unseen = 0;
  showJump();
  if (ticking) return;
  ticking = true;
  setTimeout(() => { ticking = false; scrollListeners.forEach((callback) => callback()); }, 150);
});
jump.addEventListener("click", () => {
  toBottom();
  list.querySelector(".eig-message:last-of-type")?.focus({ preventScroll: true });
});
// The composer grows, the phone's keyboard opens: the reader at the bottom stays there.
new ResizeObserver(() => {
  if (pinned) toBottom();
}).observe(scroller);
window.addEventListener("resize", fit);
window.visualViewport?.addEventListener("resize", fit);

export function startView() {
  fit();
  openOnWhatIsNew();
}
