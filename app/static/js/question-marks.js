// A question solved, or opened again, while its channel is open: the badges of
// its first message and of its accepted answer follow without a reload.

function badge(className, text) {
  const span = document.createElement("span");
  span.className = `fr-badge fr-badge--sm fr-badge--success ${className}`;
  span.textContent = text;
  return span;
}

function markRoot(root, solved, strings) {
  const line = root?.querySelector(".eig-message__question");
  if (!line) return;
  line.querySelector(".eig-question-solved")?.remove();
  if (solved) line.append(" ", badge("eig-question-solved", strings.solved));
}

function markAnswer(list, data, strings) {
  list.querySelectorAll(`[data-parent="${data.message_id}"] .eig-message__accepted`)
    .forEach((mark) => mark.remove());
  const answer = document.getElementById(`message-${data.accepted_message_id}`);
  const meta = answer?.querySelector(".eig-message__meta");
  if (!meta) return;
  const line = document.createElement("p");
  line.className = "eig-message__accepted";
  line.append(badge("", strings.accepted));
  meta.after(line);
}

export function showSolved(list, data, strings) {
  markRoot(document.getElementById(`message-${data.message_id}`),
    data.status === "solved", strings);
  markAnswer(list, data, strings);
}
