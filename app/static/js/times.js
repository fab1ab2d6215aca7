// Times in the reader's own zone and language, the way a chat says them:
// "à l’instant", "il y a 5 min", "14:03", "hier à 14:03", "12 mars à 14:03".
// The server writes every <time data-time> with an ISO datetime and its UTC
// offset; this module rewrites the text, keeps the full date in the title, and
// refreshes the recent ones every minute. Loaded by base.html on every page.

const lang = document.documentElement.lang === "en" ? "en" : "fr";
const WORDS = {
  fr: { now: "à l’instant", yesterday: "hier", at: "à" },
  en: { now: "just now", yesterday: "yesterday", at: "at" },
}[lang];
const clock = new Intl.DateTimeFormat(lang, { hour: "2-digit", minute: "2-digit" });
const dayMonth = new Intl.DateTimeFormat(lang, { day: "numeric", month: "long" });
const dayMonthYear = new Intl.DateTimeFormat(lang, { day: "numeric", month: "long", year: "numeric" });
const full = new Intl.DateTimeFormat(lang, { dateStyle: "full", timeStyle: "short" });
const minutesAgo = new Intl.RelativeTimeFormat(lang, { style: "short" });
const DAY = 24 * 3600 * 1000;

function midnight(date) {
  const copy = new Date(date);
  copy.setHours(0, 0, 0, 0);
  return copy;
}

// `withClock`: "12 mars à 14:03" rather than "12 mars" for older days.
export function formatTime(iso, { withClock = true, now = new Date() } = {}) {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return "";
  const seconds = (now - date) / 1000;
  if (seconds > -60 && seconds < 60) return WORDS.now;
  if (seconds > 0 && seconds < 3600) return minutesAgo.format(-Math.floor(seconds / 60), "minute");
  const days = Math.round((midnight(now) - midnight(date)) / DAY);
  const time = clock.format(date);
  if (days === 0) return time;
  if (days === 1) return `${WORDS.yesterday} ${WORDS.at} ${time}`;
  const sameYear = date.getFullYear() === now.getFullYear();
  const day = (sameYear ? dayMonth : dayMonthYear).format(date);
  return withClock ? `${day} ${WORDS.at} ${time}` : day;
}

export function fullTime(iso) {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? "" : full.format(date);
}

export function showTime(node) {
  node.textContent = formatTime(node.dateTime, { withClock: node.dataset.time !== "date" });
  node.title = fullTime(node.dateTime);
}

export function showTimes(root = document) {
  root.querySelectorAll("time[data-time]").forEach(showTime);
}

showTimes();
setInterval(showTimes, 60 * 1000);
