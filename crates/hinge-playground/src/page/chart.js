"use strict";
// The loss curves: the first members' training (solid) and test (dashed) losses per epoch, on
// a log scale as the tutorial's loss plots are, since the margin losses fall by orders of
// magnitude.
const Chart = {
  palette: ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728"],
  // `history`: one {train, test} of per-member losses per epoch; `shown` members are drawn.
  draw(canvas, history, shown) {
    const ctx = canvas.getContext("2d");
    ctx.clearRect(0, 0, canvas.width, canvas.height);
    if (history.length < 2) return;
    const all = history
      .flatMap((h) => h.train.slice(0, shown).concat(h.test.slice(0, shown)))
      .filter((v) => Number.isFinite(v) && v > 0);
    if (!all.length) return;
    const top = Math.log10(Math.max(...all));
    const bottom = Math.min(Math.log10(Math.min(...all)), top - 1);
    const height = canvas.height;
    const yOf = (v) =>
      height - 5 - ((Math.log10(Math.max(v, 10 ** bottom)) - bottom) / (top - bottom)) * (height - 20);
    const xOf = (i) => (i / (history.length - 1)) * (canvas.width - 10) + 5;
    for (let m = 0; m < shown; m++) {
      for (const [key, dash] of [["train", []], ["test", [4, 3]]]) {
        ctx.beginPath();
        ctx.setLineDash(dash);
        ctx.strokeStyle = Chart.palette[m];
        ctx.lineWidth = 1.5;
        history.forEach((h, i) => (i ? ctx.lineTo(xOf(i), yOf(h[key][m])) : ctx.moveTo(xOf(i), yOf(h[key][m]))));
        ctx.stroke();
      }
    }
    ctx.setLineDash([]);
    ctx.fillStyle = "#333";
    ctx.font = "11px sans-serif";
    const range = `${(10 ** bottom).toExponential(0)} to ${(10 ** top).toExponential(0)}`;
    ctx.fillText(`loss, log scale from ${range} (solid: train, dashed: test)`, 8, 12);
  },
};
