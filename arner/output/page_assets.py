"""The HTML page's inline CSS and script, and the Content-Security-Policy that lets only that script run."""

from __future__ import annotations

import base64
import hashlib

# Colours from Okabe and Ito's palette (told apart under deuteranopia and protanopia), as pale fills
# with a strong edge; each type also has its own underline (solid, double, dashed, dotted: 3 px, the
# least that draws a double line), on every piece of a mark broken over lines and on its legend
# button, and a tag (on the last piece), so no reader depends on colour.
CSS = """
:root { color-scheme: light dark; --ink: #1d1d1f; --muted: #55555a; --rule: #d9d9de; --page: #fafafa;
  --card: #fff; --tag: #1d1d1f;
  --PERS: #fbe0b8; --PERS-edge: #b36b00; --LOC: #cfe6f8; --LOC-edge: #1f6fa8;
  --ORG: #c4eee1; --ORG-edge: #00775a; --MISC: #f4d2e6; --MISC-edge: #a8457f; }
@media (prefers-color-scheme: dark) {
  :root { --ink: #ececf0; --muted: #b4b4bc; --rule: #3b3b42; --page: #141416; --card: #1e1e22; --tag: #ececf0;
    --PERS: #5a3a10; --PERS-edge: #f0a640; --LOC: #173f5c; --LOC-edge: #6cb8ec;
    --ORG: #0f4a3b; --ORG-edge: #3cc79d; --MISC: #55223f; --MISC-edge: #e08ac0; }
}
* { box-sizing: border-box; }
body { margin: 0; padding: 16px 24px 32px; color: var(--ink); background: var(--page);
  display: flex; flex-direction: column;
  font: 19px/1.9 "Noto Naskh Arabic", "Noto Sans Arabic", "Amiri", "Geeza Pro", "Segoe UI",
  Tahoma, "DejaVu Sans", sans-serif; }
body > * { min-width: 0; }
h1, .doc h2, .toc, td { overflow-wrap: anywhere; }
h1 { font-size: 22px; margin: 0 0 4px; order: -3; }
.facts, .toc, .legend { font: 14px/1.5 "DejaVu Sans", sans-serif; }
.facts { order: -3; color: var(--muted); margin: 0 0 8px; }
.toc { order: -2; margin: 0 0 12px; }
.toc ol { margin: 0; padding-inline-start: 24px; }
.toc a { color: inherit; margin-inline-end: 12px; }
.toc .counts { color: var(--muted); }
.legend { order: -1; position: sticky; top: 0; z-index: 1; background: var(--card); border: 1px solid var(--rule);
  border-radius: 8px; padding: 4px 8px; margin: 0 0 16px; display: flex; flex-wrap: wrap;
  gap: 4px 8px; align-items: center; }
.legend button { font: inherit; color: var(--ink); border: 1px solid var(--edge, var(--rule)); border-radius: 6px;
  border-bottom: 3px var(--line, solid) var(--edge, var(--rule)); padding: 1px 8px; background: var(--bg, transparent); cursor: pointer; }
.legend button[aria-pressed="false"] { background: transparent; color: var(--muted); text-decoration: line-through; }
.legend label { display: inline-flex; gap: 4px; align-items: center; }
.legend .low-key { border: 2px dashed var(--muted); border-radius: 4px; padding: 0 4px; }
.doc { background: var(--card); border: 1px solid var(--rule); border-radius: 8px; margin: 0 0 20px;
  padding: 12px 20px 16px; }
.doc h2 { font: 600 14px/1.4 ui-monospace, "DejaVu Sans Mono", monospace; color: var(--muted);
  margin: 0 0 8px; }
.doc h2 bdi, .name { unicode-bidi: isolate; }
.text { white-space: pre-wrap; overflow-wrap: anywhere; unicode-bidi: plaintext; margin: 0; }
mark { unicode-bidi: isolate; color: inherit; background: var(--bg, transparent);
  border: 0 solid transparent; border-bottom: 3px var(--line, solid) var(--edge, var(--muted));
  border-radius: 3px; padding: 0 2px; box-decoration-break: clone;
  -webkit-box-decoration-break: clone; cursor: help; }
mark.low { background: transparent; border: 1px dashed var(--edge, var(--muted));
  border-bottom: 3px var(--line, solid) var(--edge, var(--muted));
  padding: 0 1px; }
mark::after { content: attr(data-type); font: 700 11px/1 "DejaVu Sans", sans-serif;
  letter-spacing: .04em; color: var(--tag); margin-inline-start: 4px; vertical-align: 1px; }
mark:focus { outline: 3px solid var(--ink); outline-offset: 1px; }
mark.off, mark.below { background: transparent; border-color: transparent; cursor: auto; }
mark.off::after, mark.below::after { visibility: hidden; }
.t-PERS { --bg: var(--PERS); --edge: var(--PERS-edge); --line: solid; }
.t-LOC { --bg: var(--LOC); --edge: var(--LOC-edge); --line: double; }
.t-ORG { --bg: var(--ORG); --edge: var(--ORG-edge); --line: dashed; }
.t-MISC { --bg: var(--MISC); --edge: var(--MISC-edge); --line: dotted; }
.ctl { unicode-bidi: isolate; }
.ctl::before { content: attr(data-name); font: 10px/1 "DejaVu Sans Mono", monospace;
  color: #c00; border: 1px solid #c00; border-radius: 3px; padding: 0 2px; direction: ltr; }
.none { color: var(--muted); font-size: 15px; }
.detail { position: fixed; bottom: 8px; inset-inline: 8px; z-index: 2; background: var(--card); color: var(--ink);
  border: 1px solid var(--rule); border-radius: 8px; padding: 6px 12px; font: 15px/1.4 "DejaVu Sans", sans-serif;
  box-shadow: 0 2px 8px #0003; }
.detail:empty { display: none; }
table { border-collapse: collapse; font-size: 16px; line-height: 1.5; max-width: 100%; }
th, td { padding: 4px 12px; border-bottom: 1px solid var(--rule); text-align: start; }
th { font: 600 13px/1.4 "DejaVu Sans", sans-serif; color: var(--muted); }
.n { text-align: end; font-variant-numeric: tabular-nums; }
.summary h2 { font: 600 14px/1.4 "DejaVu Sans", sans-serif; color: var(--muted); }
@media (max-width: 600px) {
  body { padding: 8px 10px 24px; font-size: 17px; }
  .doc { padding: 8px 10px 12px; }
  .legend { position: static; }
}
@media print {
  body { background: #fff; padding: 0; }
  .legend { position: static; border: none; padding: 0; }
  .legend input, .legend output, .detail { display: none; }
  .doc { break-inside: auto; border: none; padding: 0; }
  mark, .legend button { print-color-adjust: exact; -webkit-print-color-adjust: exact; }
}
"""

# Toggles every mark of the clicked type (the button says whether the type is shown); hides marks
# scored below the slider; shows the focused or tapped mark's details (touch screens show no titles).
SCRIPT = """
function marks() { return document.querySelectorAll("mark[data-start]"); }
document.querySelectorAll(".legend button[data-type]").forEach(function (button) {
  button.addEventListener("click", function () {
    var shown = button.getAttribute("aria-pressed") !== "true";
    button.setAttribute("aria-pressed", shown ? "true" : "false");
    marks().forEach(function (mark) {
      if (mark.getAttribute("data-type") === button.getAttribute("data-type")) {
        mark.classList.toggle("off", !shown);
      }
    });
  });
});
var slider = document.querySelector(".legend input[type=range]");
if (slider) slider.addEventListener("input", function () {
  var least = parseFloat(slider.value);
  slider.nextElementSibling.textContent = least.toFixed(2);
  marks().forEach(function (mark) { mark.classList.toggle("below", parseFloat(mark.dataset.score) < least); });
});
var detail = document.querySelector(".detail");
document.addEventListener("focusin", function (event) {
  var mark = event.target.closest && event.target.closest("mark[data-start]");
  if (detail) detail.textContent = mark ? mark.dataset.details : "";
});
"""

_SCRIPT_HASH = base64.b64encode(hashlib.sha256(SCRIPT.encode()).digest()).decode()
CSP = f"default-src 'none'; style-src 'unsafe-inline'; script-src 'sha256-{_SCRIPT_HASH}'; base-uri 'none'; form-action 'none'"
