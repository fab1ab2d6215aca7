// After a form fails, the error summary at the top of the page (the
// error_summary macro, which base.html shows) takes the focus, so that a screen
// reader reads it and the keyboard starts there. Each of its links focuses its
// field and scrolls its label into view, as GOV.UK's summary does: a plain "#id"
// link puts the input at the very top of the window, its label hidden above,
// and not every browser moves the focus to it.
// Loaded by base.html only on a page whose forms have errors.

const summary = document.getElementById("error-summary");

function labelOf(field) {
  const legend = field.closest("fieldset")?.querySelector("legend");
  const label = field.id && document.querySelector(`label[for="${CSS.escape(field.id)}"]`);
  return label || legend || field;
}

function focusField(event) {
  const link = event.target.closest("a[href^='#']");
  if (!link) return;
  const field = document.getElementById(decodeURIComponent(link.hash.slice(1)));
  if (!field) return;
  event.preventDefault();
  labelOf(field).scrollIntoView({ block: "start" });
  field.focus({ preventScroll: true });
}

if (summary) {
  summary.addEventListener("click", focusField);
  summary.focus();
}
