"use strict";
// The decision surfaces: each member's outputs over the plane as a heat map, orange for +1 and
// blue for -1, washed towards white inside the margin band |f(x)| < 1, with the f(x) = 0 line
// in black and the points on top.
const Surface = {
  // Maps arrive as signed bytes in base64 (the server's `signed_bytes`): each is a value in
  // [-1, 1].
  decode(encoded) {
    const bytes = atob(encoded);
    const values = new Float32Array(bytes.length);
    for (let i = 0; i < bytes.length; i++) {
      let b = bytes.charCodeAt(i);
      if (b > 127) b -= 256;
      values[i] = b / 127;
    }
    return values;
  },
  colour(v) {
    const [r, g, b] = v > 0 ? [245, 147, 34] : [8, 119, 189];
    const strength = 0.15 + 0.55 * Math.min(1, Math.abs(v));
    return [255 - (255 - r) * strength, 255 - (255 - g) * strength, 255 - (255 - b) * strength];
  },
  // `values` (n x n, rows from the bottom) drawn into `canvas`, each value a pixel scaled up;
  // `boundary` blackens where the sign changes to the next cell up or right.
  paint(canvas, values, n, boundary) {
    const image = new ImageData(n, n);
    for (let row = 0; row < n; row++) {
      for (let col = 0; col < n; col++) {
        const v = values[row * n + col];
        const right = col + 1 < n && values[row * n + col + 1] > 0 !== v > 0;
        const up = row + 1 < n && values[(row + 1) * n + col] > 0 !== v > 0;
        const rgb = boundary && (right || up) ? [20, 20, 20] : Surface.colour(v);
        image.data.set(rgb.concat([255]), ((n - 1 - row) * n + col) * 4);
      }
    }
    const off = document.createElement("canvas");
    off.width = n;
    off.height = n;
    off.getContext("2d").putImageData(image, 0, 0);
    const ctx = canvas.getContext("2d");
    ctx.imageSmoothingEnabled = false;
    ctx.drawImage(off, 0, 0, canvas.width, canvas.height);
  },
  // One member's surface, with `sets` of points ([[points, edge colour], ...]) over `extent`.
  draw(canvas, encoded, grid, extent, sets) {
    Surface.paint(canvas, Surface.decode(encoded), grid, true);
    const ctx = canvas.getContext("2d");
    const [x0, x1, y0, y1] = extent;
    const px = (x) => ((x - x0) / (x1 - x0)) * canvas.width;
    const py = (y) => (1 - (y - y0) / (y1 - y0)) * canvas.height;
    for (const [points, edge] of sets) {
      for (const [x, y, label] of points) {
        ctx.beginPath();
        ctx.arc(px(x), py(y), 2.6, 0, 2 * Math.PI);
        ctx.fillStyle = label > 0 ? "#f59322" : "#0877bd";
        ctx.fill();
        ctx.strokeStyle = edge;
        ctx.lineWidth = 0.8;
        ctx.stroke();
      }
    }
  },
};
