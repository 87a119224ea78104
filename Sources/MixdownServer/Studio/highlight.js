// The script's tags, highlighted: the editor is a transparent textarea over a <pre> that
// shows the same text in tokens. The tokens also give the sections and the personalisation
// keys the script uses, as the parser finds them.

const pattern = /(<<[^<>]*>>)|(\{\{[^{}]*\}\})|(<\/?[A-Za-z][^<>]*>)/g;

/** The text cut into runs: `{kind: "text" | "tag" | "placeholder" | "element", text, start}`. */
export function tokens(text) {
  const out = [];
  let last = 0;
  for (const match of text.matchAll(pattern)) {
    if (match.index > last) out.push({ kind: "text", text: text.slice(last, match.index), start: last });
    const kind = match[1] ? "tag" : match[2] ? "placeholder" : "element";
    out.push({ kind, text: match[0], start: match.index });
    last = match.index + match[0].length;
  }
  if (last < text.length) out.push({ kind: "text", text: text.slice(last), start: last });
  return out;
}

/** The sections (`<<sectionName::x>>`) and personalisation keys (`{{key}}`, `{{key|fallback}}`) in order. */
export function outline(text) {
  const sections = [], variables = [];
  for (const token of tokens(text)) {
    if (token.kind === "tag") {
      const match = /^<<\s*sectionName\s*::\s*([^>]*?)\s*>>$/.exec(token.text);
      if (match && match[1] && !sections.includes(match[1])) sections.push(match[1]);
    } else if (token.kind === "placeholder") {
      const key = token.text.slice(2, -2).split("|")[0].trim();
      if (key && !variables.includes(key)) variables.push(key);
    }
  }
  return { sections, variables };
}

/** The UTF-16 offset of a 1-based line and column. The server counts columns in characters as
 *  a reader sees them (grapheme clusters: an emoji with a skin tone is one). */
export function offsetOf(text, line, column) {
  let offset = 0;
  for (let l = 1; l < line; l++) {
    const next = text.indexOf("\n", offset);
    if (next < 0) return text.length;
    offset = next + 1;
  }
  const lineEnd = text.indexOf("\n", offset) < 0 ? text.length : text.indexOf("\n", offset);
  const line_ = text.slice(offset, lineEnd);
  const characters = typeof Intl !== "undefined" && Intl.Segmenter
    ? [...new Intl.Segmenter(undefined, { granularity: "grapheme" }).segment(line_)].map((s) => s.segment) : Array.from(line_);
  return offset + characters.slice(0, Math.max(0, column - 1)).join("").length;
}

/** Draws `text` into `pre`, each token in its class, and the spans in `marks` ([start, end)) underlined. */
export function draw(pre, text, marks = []) {
  const cuts = new Set([0, text.length]);
  const runs = tokens(text);
  for (const run of runs) cuts.add(run.start);
  for (const [start, end] of marks) { cuts.add(start); cuts.add(end); }
  const points = [...cuts].filter((p) => p >= 0 && p <= text.length).sort((a, b) => a - b);
  const fragment = document.createDocumentFragment();
  let r = 0;
  for (let i = 0; i + 1 < points.length; i++) {
    const start = points[i], end = points[i + 1];
    while (r + 1 < runs.length && runs[r + 1].start <= start) r++;
    const kind = runs.length ? runs[r].kind : "text";
    const span = document.createElement("span");
    if (kind !== "text") span.className = "tok-" + kind;
    if (marks.some(([a, b]) => start >= a && end <= b)) span.classList.add("tok-error");
    span.textContent = text.slice(start, end);
    fragment.append(span);
  }
  // A trailing newline needs a character after it, or the last line has no height.
  fragment.append(document.createTextNode("\n"));
  pre.replaceChildren(fragment);
}

/** The span to underline for an error at `offset`: the tag or word there (at least one character). */
export function markAt(text, offset) {
  if (!text.length) return [0, 0];
  let start = Math.min(offset, text.length - 1);
  if (text[start] === "\n" && start > 0) start--;
  const token = tokens(text).find((t) => t.kind !== "text" && start >= t.start && start < t.start + t.text.length);
  if (token) return [token.start, token.start + token.text.length];
  let end = start;
  while (end < text.length && !/\s/.test(text[end])) end++;
  return [start, Math.max(end, start + 1)];
}
