"use strict";
// Each knob's control, made from the server's table of knobs: buttons, a list, check boxes,
// a drop-down list of check boxes, a slider, a number box, or the hidden layers' widths. Every control has the knob's name as
// its id; a change sets the state and calls `changed`.
const Controls = {
  // The drop-down lists left open: a change redraws every control, and a list being picked
  // from stays open across it.
  opened: new Set(),
  render(knobs, state, changed) {
    for (const section of ["header", "data", "network"]) {
      document.getElementById(`${section}-knobs`).innerHTML = "";
    }
    for (const knob of knobs) {
      const control = Controls[knob.kind](knob, state, changed);
      control.id = knob.name;
      const holder = document.getElementById(`${knob.section}-knobs`);
      // A header knob's caption labels its control; a drop-down list holds labels of its own.
      const labelled = knob.section === "header" && knob.kind !== "several";
      const row = document.createElement(labelled ? "label" : "div");
      row.className = knob.section === "header" ? "knob-column" : "row";
      const caption = document.createElement("span");
      caption.textContent = knob.label + " ";
      if (knob.kind === "range") caption.textContent += Controls.shown(knob, state[knob.name]);
      row.append(caption, control);
      holder.appendChild(row);
    }
  },
  shown(knob, value) {
    return knob.name === "test_ratio" ? Math.round(value * 100) + "%" : String(value);
  },
  // One of the names, as buttons; the data set adds the uploaded points when there are some.
  buttons(knob, state, changed) {
    const box = document.createElement("div");
    box.className = "buttons";
    const uploaded = knob.name === "dataset" && state.uploaded;
    for (const name of knob.values.concat(uploaded ? ["uploaded"] : [])) {
      const button = document.createElement("button");
      button.textContent = name;
      const on = uploaded ? name === "uploaded" : name === state[knob.name];
      button.className = on ? "on" : "";
      button.onclick = () => {
        if (name === "uploaded") return;
        state[knob.name] = name;
        if (knob.name === "dataset") state.uploaded = false;
        changed();
      };
      box.appendChild(button);
    }
    return box;
  },
  // One of the values, from a list; a value a link set that the list lacks is kept too.
  choice(knob, state, changed) {
    const select = document.createElement("select");
    const current = state[knob.name];
    const values = knob.values.map(String).includes(String(current))
      ? knob.values
      : knob.values.concat([current]);
    for (const value of values) {
      const option = document.createElement("option");
      option.value = value;
      option.textContent = value;
      option.selected = String(value) === String(current);
      select.appendChild(option);
    }
    const number = typeof current === "number";
    select.onchange = () => {
      state[knob.name] = number ? Number(select.value) : select.value;
      changed();
    };
    return select;
  },
  // Any of the names, each a check box; the state lists them in the knob's order.
  checks(knob, state, changed) {
    const box = document.createElement("span");
    box.className = "checks";
    for (const name of knob.values) {
      const label = document.createElement("label");
      const check = document.createElement("input");
      check.type = "checkbox";
      check.value = name;
      check.checked = state[knob.name].includes(name);
      check.onchange = () => {
        const chosen = (v) => (v === name ? check.checked : state[knob.name].includes(v));
        state[knob.name] = knob.values.filter(chosen);
        changed();
      };
      label.append(check, document.createTextNode(name));
      box.appendChild(label);
    }
    return box;
  },
  // Any of the numbers, at least one, each a check box in a drop-down list whose summary names
  // those chosen; the state lists them in the knob's order, a value a link set that the list
  // lacks kept after them.
  several(knob, state, changed) {
    const box = document.createElement("details");
    box.className = "several";
    box.open = Controls.opened.has(knob.name);
    box.ontoggle = () => (box.open ? Controls.opened.add(knob.name) : Controls.opened.delete(knob.name));
    const current = state[knob.name];
    const summary = document.createElement("summary");
    summary.textContent = current.join(", ");
    const list = document.createElement("div");
    const values = knob.values.concat(current.filter((v) => !knob.values.includes(v)));
    for (const value of values) {
      const label = document.createElement("label");
      const check = document.createElement("input");
      check.type = "checkbox";
      check.value = value;
      check.checked = current.includes(value);
      check.onchange = () => {
        state[knob.name] = values.filter((v) => (v === value ? check.checked : current.includes(v)));
        changed();
      };
      label.append(check, document.createTextNode(value));
      list.appendChild(label);
    }
    box.append(summary, list);
    return box;
  },
  range(knob, state, changed) {
    const attributes = { type: "range", min: knob.min, max: knob.max, step: knob.step };
    return Controls.numeric(attributes, knob, state, changed);
  },
  number(knob, state, changed) {
    const attributes = { type: "number", min: knob.min };
    if (knob.max !== null) attributes.max = knob.max;
    const box = Controls.numeric(attributes, knob, state, changed);
    box.style.width = "70px";
    return box;
  },
  // An input of `attributes` holding the knob's number.
  numeric(attributes, knob, state, changed) {
    const input = document.createElement("input");
    Object.assign(input, attributes);
    input.value = state[knob.name];
    input.onchange = () => {
      state[knob.name] = Number(input.value);
      changed();
    };
    return input;
  },
  // The hidden layers: one added or removed, each widened or narrowed, within the limits.
  layers(knob, state, changed) {
    const box = document.createElement("div");
    box.className = "layers";
    const button = (text, act) => {
      const b = document.createElement("button");
      b.innerHTML = text;
      b.onclick = () => act() && changed();
      return b;
    };
    const widths = state[knob.name];
    box.append(
      button("+", () => widths.length < knob.max_layers && widths.push(2)),
      button("&minus;", () => widths.pop() !== undefined),
    );
    widths.forEach((units, i) => {
      const layer = document.createElement("span");
      layer.append(
        `layer ${i + 1}: `,
        button("&minus;", () => units > 1 && (widths[i] = units - 1)),
        ` ${units} `,
        button("+", () => units < knob.max_units && (widths[i] = units + 1)),
      );
      box.appendChild(layer);
    });
    return box;
  },
};
