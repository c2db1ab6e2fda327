"use strict";
// TensorFlow Playground's network view of one member: the inputs, each hidden unit's map, the
// output; the weights as lines by sign and size; dead units framed in red.
const NetworkView = {
  box: 24,
  gap: 8,
  draw(canvas, view) {
    const { box, gap } = NetworkView;
    const columns = [view.features.length].concat(view.widths);
    canvas.height = Math.max(120, Math.max(...columns) * (box + gap) + 10);
    const ctx = canvas.getContext("2d");
    ctx.clearRect(0, 0, canvas.width, canvas.height);
    const at = {
      x: (c) => 6 + c * ((canvas.width - box - 12) / (columns.length - 1)),
      y: (c, j) => (canvas.height - columns[c] * (box + gap)) / 2 + j * (box + gap) + gap / 2,
    };
    NetworkView.weights(ctx, view, at);
    ctx.font = "10px sans-serif";
    ctx.textAlign = "center";
    view.features.forEach((name, i) => NetworkView.labelled(ctx, at.x(0), at.y(0, i), name, "#eee"));
    view.maps.forEach((units, l) =>
      units.forEach((encoded, j) => NetworkView.unit(canvas, at.x(l + 1), at.y(l + 1, j), encoded, view.dead[l][j])),
    );
    const out = columns.length - 1;
    for (let j = 0; j < columns[out]; j++) NetworkView.labelled(ctx, at.x(out), at.y(out, j), "f(x)", "#fff3e0");
  },
  weights(ctx, view, at) {
    const { box } = NetworkView;
    const top = Math.max(1e-9, ...view.weights.flat(2).map(Math.abs));
    view.weights.forEach((layer, l) =>
      layer.forEach((row, i) =>
        row.forEach((w, j) => {
          ctx.beginPath();
          ctx.moveTo(at.x(l) + box, at.y(l, i) + box / 2);
          ctx.lineTo(at.x(l + 1), at.y(l + 1, j) + box / 2);
          ctx.strokeStyle = w > 0 ? "rgba(245,147,34,0.8)" : "rgba(8,119,189,0.8)";
          ctx.lineWidth = 0.3 + (3.5 * Math.abs(w)) / top;
          ctx.stroke();
        }),
      ),
    );
  },
  labelled(ctx, x, y, text, fill) {
    const { box } = NetworkView;
    ctx.fillStyle = fill;
    ctx.fillRect(x, y, box, box);
    ctx.strokeStyle = "#999";
    ctx.lineWidth = 1;
    ctx.strokeRect(x, y, box, box);
    ctx.fillStyle = "#222";
    ctx.fillText(text, x + box / 2, y + 15);
  },
  unit(canvas, x, y, encoded, dead) {
    const { box } = NetworkView;
    const values = Surface.decode(encoded);
    const n = Math.round(Math.sqrt(values.length));
    const cell = document.createElement("canvas");
    cell.width = box;
    cell.height = box;
    Surface.paint(cell, values, n, false);
    const ctx = canvas.getContext("2d");
    ctx.drawImage(cell, x, y);
    ctx.lineWidth = dead ? 3 : 1;
    ctx.strokeStyle = dead ? "#d00" : "#999";
    ctx.strokeRect(x, y, box, box);
    if (dead) canvas.dataset.dead = "yes";
  },
};
