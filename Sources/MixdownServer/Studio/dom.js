// Building the page from data without ever parsing data as HTML: elements are made with
// createElement, text goes in as text nodes, attributes are set one by one.

/** `h("td", {className: "x"}, "text", child)`: an element with properties and children.
 *  Strings become text nodes, never markup. */
export function h(tag, properties = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(properties)) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith("on") && typeof value === "function") element.addEventListener(name.slice(2), value);
    else if (name === "dataset") Object.assign(element.dataset, value);
    else if (name in element && !name.includes("-")) element[name] = value;
    else element.setAttribute(name, value === true ? "" : String(value));
  }
  append(element, children);
  return element;
}

function append(element, children) {
  for (const child of children.flat(Infinity)) {
    if (child === undefined || child === null || child === false) continue;
    element.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

export const $ = (id) => document.getElementById(id);

/** Replaces an element's children. */
export function fill(element, ...children) {
  element.replaceChildren();
  append(element, children);
}

export function seconds(samples, rate) { return (samples / rate).toFixed(3) + " s"; }

export function bytes(n) {
  if (n >= 1 << 20) return (n / (1 << 20)).toFixed(1) + " MB";
  if (n >= 1 << 10) return (n / (1 << 10)).toFixed(0) + " kB";
  return n + " B";
}

/** `fn` run `wait` ms after the last call. */
export function debounce(fn, wait) {
  let timer;
  return (...args) => { clearTimeout(timer); timer = setTimeout(() => fn(...args), wait); };
}

/** A warning of a report or plan as a list item: its code, then its message. */
export function warningItem(warning) {
  return h("li", {}, h("code", {}, warning.code || "warning"), " ", warning.message || String(warning));
}
