"use strict";
// The wiring: a session on the server, its event stream (a start, then a frame per epoch),
// the controls' changes sent as settings, and each frame drawn.
const $ = (id) => document.getElementById(id);
const page = {
  knobs: [], state: null, session: null, playing: false, members: [], axes: null, extent: null, grid: 0,
  plane: true, marginRange: [-2, 2],
  points: { train: [], test: [] }, history: [], selected: 0, lastFrame: null,
};
// Timings the browser tests read: when play was pressed and when each frame came after it.
window.timing = { play: null, frames: [] };

async function api(path, body, text) {
  const response = await fetch(path, {
    method: "POST",
    headers: { "content-type": text ? "text/csv" : "application/json" },
    body: text ? body : JSON.stringify(body),
  });
  const answer = await response.json().catch(() => ({ error: "the server answered " + response.status }));
  if (!response.ok) throw new Error(answer.error || "the server answered " + response.status);
  return answer;
}
const control = (body) => api(`/api/sessions/${page.session}/control`, body);
const showError = (e) => ($("error").textContent = e.message);

// After any knob: the URL, the controls, and the settings sent, which restarts training.
async function changed() {
  State.toUrl(page.state);
  Controls.render(page.knobs, page.state, changed);
  $("error").textContent = "";
  try {
    const answer = await api(`/api/sessions/${page.session}/settings`, page.state);
    $("command").textContent = answer.command;
    page.history = [];
    if (page.playing) await control({ action: "play" });
  } catch (e) {
    showError(e);
    setPlaying(false);
  }
}
function setPlaying(on) {
  page.playing = on;
  $("play").textContent = on ? "Pause" : "Play";
}

// The rates and penalties the members spread over, each in the members' order.
function axes(members) {
  const distinct = (key) => [...new Set(members.map((m) => m[key]))];
  return { rates: distinct("learning_rate"), l2s: distinct("l2") };
}
// A member's name: its loss, its grid point where the population spreads over one, its seed.
function memberName(m) {
  return [m.loss].concat(cellName(m) || [], `seed ${m.seed}`).join(", ");
}
// A cell's name, from the knobs the population spreads over ("" for none).
function cellName(c) {
  const named = [];
  if (page.axes.rates.length > 1) named.push(`lr ${c.learning_rate}`);
  if (page.axes.l2s.length > 1) named.push(`L2 ${c.l2}`);
  return named.join(", ");
}

// The surfaces: per loss, under a heading with its count at 100%, a grid of cells over the
// learning rates (across) and penalties (down), each holding its seeds' surfaces under its own
// count at 100%.
function panels(frame) {
  const box = $("surfaces");
  const big = page.members.length < 5;
  const spread = page.axes.rates.length > 1 || page.axes.l2s.length > 1;
  if (box.querySelectorAll(".panel").length !== page.members.length) {
    box.innerHTML = "";
    const seeds = page.members.length / frame.full.length;
    const size = big ? (spread ? 160 : 240) : spread ? 48 : 64;
    page.members.forEach((m, i) => {
      const cell = box.querySelector(`.cell[data-cell="${m.cell}"] .grid`) || addCell(box, m, spread, seeds, size);
      const panel = document.createElement("div");
      panel.className = "panel";
      const canvas = document.createElement("canvas");
      canvas.width = canvas.height = size;
      canvas.dataset.member = i;
      canvas.onclick = () => inspect(i);
      const caption = document.createElement("div");
      caption.className = "caption";
      panel.append(canvas, caption);
      cell.appendChild(panel);
    });
  }
  const total = {};
  frame.full.forEach((count, cell) => {
    const sum = (total[count.loss] = total[count.loss] || { full: 0, members: 0 });
    sum.full += count.full;
    sum.members += count.members;
    const heading = box.querySelector(`.cell[data-cell="${cell}"] h4`);
    heading.textContent = `${cellName(count)}: ${count.full}/${count.members} at 100%`;
  });
  for (const [loss, sum] of Object.entries(total)) {
    const heading = box.querySelector(`.loss-group[data-loss="${loss}"] h3`);
    heading.textContent = big ? loss : `${loss}: ${sum.full}/${sum.members} at 100%`;
  }
  return { big, total };
}
// The cell of `m`'s loss and grid point, in its loss's group (made with its first cell): rows
// of `seeds` surfaces of `size` pixels, as square as they go.
function addCell(box, m, spread, seeds, size) {
  let group = box.querySelector(`.loss-group[data-loss="${m.loss}"] .cells`);
  if (!group) {
    const holder = document.createElement("div");
    holder.className = "loss-group";
    holder.dataset.loss = m.loss;
    holder.innerHTML = `<h3></h3><div class="cells"></div>`;
    box.appendChild(holder);
    group = holder.querySelector(".cells");
    group.style.gridTemplateColumns = `repeat(${page.axes.rates.length}, auto)`;
  }
  const cell = document.createElement("div");
  cell.className = "cell";
  cell.dataset.cell = m.cell;
  cell.innerHTML = `<h4></h4><div class="grid"></div>`;
  cell.querySelector("h4").hidden = !spread;
  if (spread) cell.querySelector(".grid").style.width = `${Math.ceil(Math.sqrt(seeds)) * (size + 8)}px`;
  group.appendChild(cell);
  return cell.querySelector(".grid");
}
function inspect(member) {
  page.selected = member;
  showFrame(page.lastFrame);
  control({ action: "inspect", member }).catch(showError);
}
function showFrame(frame) {
  page.lastFrame = frame;
  if (page.playing && window.timing.play !== null) window.timing.frames.push({ at: performance.now(), epoch: frame.epoch });
  $("epoch").textContent = String(frame.epoch).padStart(3, "0");
  page.history.push({ train: frame.train_loss, test: frame.test_loss });
  const { big, total } = panels(frame);
  const sets = [[page.points.train, "#fff"]].concat($("show-test").checked ? [[page.points.test, "#000"]] : []);
  $("surfaces").querySelectorAll(".panel").forEach((panel) => {
    const canvas = panel.querySelector("canvas");
    const i = Number(canvas.dataset.member), m = page.members[i];
    panel.classList.toggle("full", frame.test_accuracy[i] === 1);
    if (page.plane) Surface.draw(canvas, frame.surfaces[i], page.grid, page.extent, big ? sets : []);
    else Margins.draw(canvas, frame.margins[i], page.marginRange);
    canvas.dataset.kind = page.plane ? "surface" : "margins";
    const accuracy = (frame.test_accuracy[i] * 100).toFixed(1);
    panel.querySelector(".caption").textContent = big ? `${memberName(m)}: test ${accuracy}%` : `${m.seed}`;
  });
  const counts = Object.entries(total).map(([loss, sum]) => `${loss} ${sum.full}/${sum.members}`);
  $("population").textContent = page.members.length > 1 ? `${counts.join(", ")} at 100% test accuracy` : "";
  numbers(frame, big);
  Chart.draw($("curves"), page.history, Math.min(page.members.length, 4));
  const m = page.members[frame.inspected];
  if (frame.network) {
    NetworkView.draw($("network-view"), frame.network);
    $("network-title").textContent = m ? `Network of ${memberName(m)}` : "";
  } else {
    Margins.projection($("network-view"), page.points.test, frame.predicted, page.extent);
    $("network-title").textContent = m ? `Test points of ${memberName(m)}, on two principal components (ringed: wrong)` : "";
  }
  $("download").href = `/api/sessions/${page.session}/members/${frame.inspected}/run.tar`;
}
// Each member's losses and accuracy (a population: the selected member's).
function numbers(frame, big) {
  const shown = big ? page.members.map((_, i) => i) : [page.selected];
  const rows = shown.map((i) => {
    const m = page.members[i];
    const cells = [frame.train_loss[i].toPrecision(3), frame.test_loss[i].toPrecision(3)].map((v) => `<td>${v}</td>`).join("");
    const accuracy = (frame.test_accuracy[i] * 100).toFixed(1);
    return `<tr data-member="${i}"><td style="text-align:left">${memberName(m)}</td>${cells}<td class="test-accuracy">${accuracy}%</td></tr>`;
  });
  $("numbers").innerHTML = `<tr><th></th><th>train loss</th><th>test loss</th><th>test accuracy</th></tr>` + rows.join("");
}

function listen() {
  const events = new EventSource(`/api/sessions/${page.session}/events`);
  events.onmessage = (message) => {
    const event = JSON.parse(message.data);
    if (event.kind === "start") {
      Object.assign(page, { members: event.members, extent: event.extent, grid: event.grid, selected: 0, history: [] });
      page.axes = axes(event.members);
      Object.assign(page, { plane: event.plane, marginRange: event.margin_range });
      page.points = { train: event.train, test: event.test };
      $("command").textContent = event.command;
      $("surfaces").innerHTML = "";
    } else if (event.kind === "frame") showFrame(event);
    else if (event.kind === "stopped") {
      $("error").textContent = event.reason;
      setPlaying(false);
    }
  };
  events.onerror = () => {
    if (events.readyState === EventSource.CLOSED) $("error").textContent = "the connection to the server closed: reload the page";
  };
}
function wire() {
  $("play").onclick = async () => {
    if (!page.playing) window.timing = { play: performance.now(), frames: [] };
    setPlaying(!page.playing);
    await control({ action: page.playing ? "play" : "pause" }).catch((e) => (showError(e), setPlaying(false)));
  };
  $("step").onclick = () => {
    setPlaying(false);
    control({ action: "step" }).catch(showError);
  };
  $("reset").onclick = () => changed();
  $("regenerate").onclick = () => {
    page.state.seed = Number(page.state.seed) + 1;
    changed();
  };
  $("show-test").onchange = () => page.lastFrame && showFrame(page.lastFrame);
  $("upload").onchange = async () => {
    const file = $("upload").files[0];
    if (!file) return;
    $("upload-status").textContent = "";
    try {
      const answer = await api(`/api/sessions/${page.session}/data`, await file.text(), true);
      $("upload-status").textContent = `${answer.points} points uploaded`;
      page.state.uploaded = true;
      changed();
    } catch (e) {
      showError(e);
    }
  };
}
async function start() {
  const answer = await (await fetch("/api/sessions", { method: "POST" })).json();
  if (answer.error) return ($("error").textContent = answer.error);
  page.session = answer.id;
  page.knobs = answer.knobs;
  page.state = State.fromUrl(answer.defaults, answer.knobs);
  page.state.uploaded = false;
  listen();
  wire();
  changed();
}
start();
