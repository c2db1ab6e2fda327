"use strict";
// The pictures of data of many features, where the plane has no surface: each member's margin
// histogram (test points filled, training points as an outline; the boundary at 0 and the
// hinge's margin at 1 marked), and the test points on their first two principal components,
// coloured by the class the inspected member predicts, its errors ringed.
const Margins = {
  // `counts`: {train, test} bin counts over `range`.
  draw(canvas, counts, range) {
    const ctx = canvas.getContext("2d");
    const [w, h] = [canvas.width, canvas.height];
    ctx.clearRect(0, 0, w, h);
    ctx.fillStyle = "#fff";
    ctx.fillRect(0, 0, w, h);
    const bins = counts.test.length;
    const [lo, hi] = range;
    const xOf = (m) => ((m - lo) / (hi - lo)) * w;
    // A square-root scale: the few points inside the margin show beside the many beyond it.
    const top = Math.sqrt(Math.max(1, ...counts.test.map((c, i) => Math.max(c, counts.train[i] / 4))));
    const yOf = (c) => h - 12 - (Math.sqrt(c) / top) * (h - 24);
    for (let i = 0; i < bins; i++) {
      const x0 = (i / bins) * w, x1 = ((i + 1) / bins) * w;
      ctx.fillStyle = (lo + ((i + 0.5) * (hi - lo)) / bins) > 0 ? "#f59322" : "#0877bd";
      ctx.fillRect(x0 + 0.5, yOf(counts.test[i]), x1 - x0 - 1, h - 12 - yOf(counts.test[i]));
    }
    ctx.strokeStyle = "#444";
    ctx.beginPath();
    for (let i = 0; i < bins; i++) {
      const x0 = (i / bins) * w, x1 = ((i + 1) / bins) * w, y = yOf(counts.train[i] / 4);
      ctx.lineTo(x0, y);
      ctx.lineTo(x1, y);
    }
    ctx.stroke();
    ctx.font = "10px sans-serif";
    ctx.fillStyle = "#000";
    for (const [m, name] of [[0, "0"], [1, "margin 1"]]) {
      ctx.beginPath();
      ctx.moveTo(xOf(m), 0);
      ctx.lineTo(xOf(m), h - 12);
      ctx.stroke();
      ctx.fillText(name, xOf(m) + 2, h - 2);
    }
  },
  // `points`: [pc1, pc2, label] of the test points; `predicted`: each one's predicted class.
  projection(canvas, points, predicted, extent) {
    const ctx = canvas.getContext("2d");
    canvas.height = canvas.width;
    ctx.fillStyle = "#fff";
    ctx.fillRect(0, 0, canvas.width, canvas.height);
    const [x0, x1, y0, y1] = extent;
    const px = (x) => ((x - x0) / (x1 - x0)) * canvas.width;
    const py = (y) => (1 - (y - y0) / (y1 - y0)) * canvas.height;
    points.forEach(([x, y, label], i) => {
      ctx.beginPath();
      ctx.arc(px(x), py(y), 3, 0, 2 * Math.PI);
      ctx.fillStyle = predicted[i] > 0 ? "#f59322" : "#0877bd";
      ctx.fill();
      if (predicted[i] !== label) {
        ctx.beginPath();
        ctx.arc(px(x), py(y), 6, 0, 2 * Math.PI);
        ctx.strokeStyle = "#000";
        ctx.lineWidth = 1.5;
        ctx.stroke();
      }
    });
  },
};
