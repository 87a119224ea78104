// RFC 4180 CSV, as `mixdown batch --audience` reads it: a header row, quoted fields may hold
// commas, quotes ("") and line breaks; CRLF or LF.

/** `{header, rows}` with rows as arrays of strings; throws Error("line N: …") on a broken quote. */
export function parseCSV(text) {
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const records = [];
  let field = "", record = [], quoted = false, line = 1, started = 1;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') { field += '"'; i++; } else quoted = false;
      } else {
        if (c === "\n") line++;
        field += c;
      }
    } else if (c === '"' && field === "") {
      quoted = true;
    } else if (c === ",") {
      record.push(field); field = "";
    } else if (c === "\n" || c === "\r") {
      if (c === "\r" && text[i + 1] === "\n") i++;
      record.push(field); field = "";
      if (!(record.length === 1 && record[0] === "")) records.push({ fields: record, line: started });
      record = [];
      line++;
      started = line;
    } else {
      field += c;
    }
  }
  if (quoted) throw new Error(`line ${started}: a quoted field is not closed`);
  if (field !== "" || record.length) {
    record.push(field);
    records.push({ fields: record, line: started });
  }
  if (!records.length) throw new Error("the file is empty: a header row is needed");
  const header = records[0].fields.map((name) => name.trim());
  const rows = [];
  for (const { fields, line: at } of records.slice(1)) {
    if (fields.length !== header.length) throw new Error(`line ${at}: ${fields.length} fields in this row; the header has ${header.length}`);
    rows.push(fields);
  }
  return { header, rows };
}

/** The closest of `candidates` to `word` within a typo or two (case-insensitive), or null. */
export function closest(word, candidates) {
  let best = null, bestDistance = Infinity;
  for (const candidate of candidates) {
    const d = distance(word.toLowerCase(), candidate.toLowerCase());
    if (d < bestDistance) { best = candidate; bestDistance = d; }
  }
  return best !== null && bestDistance <= Math.max(1, Math.floor(word.length / 3)) ? best : null;
}

function distance(a, b) {
  const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.length][b.length];
}
