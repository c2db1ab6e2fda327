"use strict";
// The page's state: every knob's value, kept in the URL's hash as TensorFlow Playground keeps
// it, so a link reproduces a setting. Which knobs there are, and their defaults, the server
// says (/api/sessions answers with both, read from the Rust types).
const State = {
  // `defaults` with the values a link gives, each read as its knob takes it; keys the
  // defaults do not have are ignored.
  fromUrl(defaults, knobs) {
    const state = JSON.parse(JSON.stringify(defaults));
    const kinds = Object.fromEntries(knobs.map((k) => [k.name, k.kind]));
    for (const [key, value] of new URLSearchParams(location.hash.slice(1))) {
      if (!(key in state)) continue;
      state[key] = State.parse(value, state[key], kinds[key]);
    }
    return state;
  },
  // One value from the URL, of the type its default has.
  parse(value, was, kind) {
    if (Array.isArray(was)) {
      if (value === "") return [];
      const numbers = kind === "layers" || kind === "several";
      return value.split(",").map((v) => (numbers ? Number(v) : v));
    }
    if (typeof was === "number") return Number(value);
    if (typeof was === "boolean") return value === "true";
    return value;
  },
  toUrl(state) {
    const params = new URLSearchParams();
    for (const [key, value] of Object.entries(state)) {
      params.set(key, Array.isArray(value) ? value.join(",") : String(value));
    }
    window.history.replaceState(null, "", "#" + params.toString());
  },
};
