/* graphistry_fp viewer: draws /graph/data/<id>.json on a canvas. No dependencies, no network
 * beyond this server. Theory of operation:
 *   1. load: fetch the dataset JSON (columns of the edges and nodes tables + encodings);
 *   2. model: node ids -> indices, edges -> index pairs (endpoints missing from the nodes
 *      table become nodes), colors/sizes/icons/titles resolved once per node from the
 *      bindings and the complex encodings (PROTOCOL.md 6);
 *   3. layout: a d3-style force simulation (links, Barnes-Hut repulsion on a quadtree,
 *      weak gravity), a few ticks per animation frame until it cools down;
 *   4. draw: edges batched by color, nodes batched by color, icons and labels when big
 *      enough; pan (drag), zoom (wheel), hover tooltips.
 * For tests the body carries data-status (loading|ready|settled|error), data-drawn-nodes
 * and data-drawn-edges; and timings: data-tick-ms (mean layout tick), data-draw-ms (mean
 * time to issue one frame's drawing), data-ticks, data-layout-ms, data-layout-frames.
 * window.graphistryViewer is a small read-only handle (view, node positions, titles). */
(function () {
  "use strict";

  var PALETTE = ["#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948",
    "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac", "#17becf", "#bcbd22"];
  var DEFAULT_NODE_COLOR = "#4e9af1";
  // Graphistry icon names are Font Awesome names; without the font, a glyph that reads alike.
  var GLYPHS = {
    user: "\u263A", person: "\u263A", users: "\u263A", male: "\u2642", female: "\u2640",
    building: "\u2302", "building-o": "\u2302", home: "\u2302", bank: "$", university: "$",
    money: "$", dollar: "$", usd: "$", euro: "\u20AC", "credit-card": "\u25AD",
    "shopping-cart": "\u00A4", shop: "\u00A4", store: "\u00A4", laptop: "\u2328", desktop: "\u2328",
    mobile: "\u25AF", phone: "\u260E", server: "\u2261", database: "\u2261", flag: "\u2691",
    star: "\u2605", heart: "\u2665", warning: "\u26A0", exclamation: "!", question: "?",
    "question-circle": "?", check: "\u2713", times: "\u2715", bolt: "\u03DF", "map-marker": "\u25BC",
    globe: "\u25CE", envelope: "\u2709", lock: "\u25A3", key: "\u26B7", cog: "\u2699", gear: "\u2699",
    file: "\u25A4", tag: "#", hashtag: "#", link: "\u221E", cloud: "\u2601", circle: "\u25CF",
    square: "\u25A0", skull: "\u2620", bug: "\u2622", "user-secret": "?"
  };

  var body = document.body;
  var canvas = document.getElementById("graph");
  var ctx = canvas.getContext("2d");
  var tip = document.getElementById("tip");
  var legend = document.getElementById("legend");
  var message = document.getElementById("message");
  var params = new URLSearchParams(location.search);
  var datasetId = params.get("dataset") || body.getAttribute("data-dataset") || "";

  function fail(text) {
    body.setAttribute("data-status", "error");
    body.setAttribute("data-drawn-nodes", "0");
    body.setAttribute("data-drawn-edges", "0");
    message.textContent = text;
    message.className = "error";
    message.hidden = false;
  }

  // ---------------------------------------------------------------- colors ---
  // Colours from the dataset reach CSS (background, legend swatches): only colour syntax
  // passes (hex, rgb()/hsl() with numbers, a colour name), never url(...) or other CSS.
  var COLOR_RE = /^(#[0-9a-f]{3,8}|(rgb|hsl)a?\([0-9\s.,%\/+-]+\)|[a-z]{1,30})$/i;
  function safeColor(css, fallback) {
    return typeof css === "string" && COLOR_RE.test(css.trim()) ? css.trim() : fallback;
  }
  var colorCache = {};
  function toRGB(css) {
    // Any CSS color -> [r, g, b], through the canvas' own parser.
    if (colorCache[css]) return colorCache[css];
    ctx.fillStyle = "#000";
    ctx.fillStyle = css;
    var s = ctx.fillStyle, rgb;
    if (s.charAt(0) === "#") {
      rgb = [parseInt(s.substr(1, 2), 16), parseInt(s.substr(3, 2), 16), parseInt(s.substr(5, 2), 16)];
    } else {
      var m = s.match(/[\d.]+/g) || ["0", "0", "0"];
      rgb = [+m[0], +m[1], +m[2]];
    }
    colorCache[css] = rgb;
    return rgb;
  }
  function rgbString(rgb) { return "rgb(" + Math.round(rgb[0]) + "," + Math.round(rgb[1]) + "," + Math.round(rgb[2]) + ")"; }
  function gradient(colors, t) {
    if (colors.length === 1) return rgbString(toRGB(colors[0]));
    t = Math.max(0, Math.min(1, t)) * (colors.length - 1);
    var i = Math.min(Math.floor(t), colors.length - 2), f = t - i;
    var a = toRGB(colors[i]), b = toRGB(colors[i + 1]);
    return rgbString([a[0] + (b[0] - a[0]) * f, a[1] + (b[1] - a[1]) * f, a[2] + (b[2] - a[2]) * f]);
  }
  function bindingColor(v) {
    // node_color / edge_color bindings: a palette index (int32) or an RGBA int64, or CSS text.
    if (v === null || v === undefined || v === "") return null;
    if (typeof v === "string") return v;
    if (typeof v !== "number" || !isFinite(v)) return null;
    if (v >= 0 && v < 65536) return PALETTE[Math.floor(v) % PALETTE.length];
    var n = Math.floor(v) >>> 0;
    return "rgba(" + ((n >>> 24) & 255) + "," + ((n >>> 16) & 255) + "," + ((n >>> 8) & 255) + "," + ((n & 255) / 255).toFixed(3) + ")";
  }
  function isDark(css) { var c = toRGB(css); return 0.299 * c[0] + 0.587 * c[1] + 0.114 * c[2] < 150; }

  // ------------------------------------------------------------- encodings ---
  function complexEncoding(encodings, name) {
    var c = (encodings && encodings.complex) || {};
    return (c.current && c.current[name]) || (c["default"] && c["default"][name]) || null;
  }
  function key(v) { return v === null || v === undefined ? "null" : String(v); }
  function sortedCategories(values) {
    var seen = {}, out = [];
    for (var i = 0; i < values.length; i++) {
      var k = key(values[i]);
      if (!Object.prototype.hasOwnProperty.call(seen, k)) { seen[k] = 1; out.push(k); }
    }
    return out.sort();
  }
  function numericRange(values) {
    var lo = Infinity, hi = -Infinity;
    for (var i = 0; i < values.length; i++) {
      var v = values[i];
      if (typeof v === "number" && isFinite(v)) { if (v < lo) lo = v; if (v > hi) hi = v; }
    }
    return lo <= hi ? [lo, hi] : null;
  }
  function binned(bins, comparator, v, other) {
    for (var i = 0; i < bins.length; i++) {
      var t = bins[i][0];
      if (t === null || t === undefined) return bins[i][1];
      if (typeof v === "number" && (comparator === "<" ? v < t : v <= t)) return bins[i][1];
    }
    return other;
  }
  /* One value per row from an encoding: returns {values, categories: [[key, out]]|null}.
   * kind "color" resolves palettes; other kinds return mapped values (or null = none). */
  function applyEncoding(enc, columns, count, kind) {
    if (!enc || !enc.attribute || !columns[enc.attribute]) return null;
    var col = columns[enc.attribute], out = new Array(count), i;
    var mapping = enc.mapping || {}, cat = mapping.categorical, cont = mapping.continuous;
    var categories = null;
    if (cat && cat.fixed) {
      var fixed = cat.fixed, other = cat.other === undefined ? null : cat.other;
      for (i = 0; i < count; i++) {
        var k = key(col[i]);
        out[i] = Object.prototype.hasOwnProperty.call(fixed, k) ? fixed[k] : other;
      }
      categories = sortedCategories(col).map(function (c) {
        return [c, Object.prototype.hasOwnProperty.call(fixed, c) ? fixed[c] : other];
      });
    } else if (cont && cont.bins) {
      for (i = 0; i < count; i++) out[i] = binned(cont.bins, cont.comparator, col[i], cont.other === undefined ? null : cont.other);
    } else if (kind === "color" && enc.colors && enc.colors.length) {
      var range = numericRange(col);
      if (enc.variation === "continuous" && range) {
        var span = range[1] - range[0] || 1;
        for (i = 0; i < count; i++) out[i] = typeof col[i] === "number" ? gradient(enc.colors, (col[i] - range[0]) / span) : null;
      } else {
        var cats = sortedCategories(col), index = {};
        cats.forEach(function (c, j) { index[c] = enc.colors[j % enc.colors.length]; });
        for (i = 0; i < count; i++) out[i] = index[key(col[i])];
        categories = cats.map(function (c) { return [c, index[c]]; });
      }
    } else if (kind !== "color") {
      for (i = 0; i < count; i++) out[i] = col[i];
    } else {
      return null;
    }
    return { values: out, categories: categories, attribute: enc.attribute, asText: !!enc.asText };
  }

  // ----------------------------------------------------------------- model ---
  function column(table, name) { return name && table.columns[name] ? table.columns[name] : null; }

  function buildModel(data) {
    var nb = (data.node_encodings && data.node_encodings.bindings) || {};
    var eb = (data.edge_encodings && data.edge_encodings.bindings) || {};
    var nodes = data.nodes, edges = data.edges;
    var ncols = nodes.columns, n = nodes.count;
    var ids = column(nodes, nb.node) || new Array(n).fill(null).map(function (_, i) { return i; });
    var index = new Map(), i;
    for (i = 0; i < n; i++) { var id = key(ids[i]); if (!index.has(id)) index.set(id, i); }
    var src = column(edges, eb.source), dst = column(edges, eb.destination);
    var extra = [], es = [], et = [], edgeRows = [];
    if (src && dst) {
      for (i = 0; i < edges.count; i++) {
        var a = key(src[i]), b = key(dst[i]);
        if (!index.has(a)) { index.set(a, n + extra.length); extra.push(a); }
        if (!index.has(b)) { index.set(b, n + extra.length); extra.push(b); }
        es.push(index.get(a)); et.push(index.get(b)); edgeRows.push(i);
      }
    }
    var N = n + extra.length, E = es.length;
    var model = {
      N: N, E: E, rows: n, extra: extra, ids: ids, ncols: ncols, ecols: edges.columns,
      nodeKey: nb.node, src: new Int32Array(es), dst: new Int32Array(et), edgeRows: edgeRows,
      degree: new Float64Array(N), color: new Array(N), radius: new Float64Array(N),
      icon: new Array(N), title: new Array(N), label: new Array(N), legends: []
    };
    for (i = 0; i < E; i++) { model.degree[model.src[i]]++; model.degree[model.dst[i]]++; }

    function nodeValue(name, j) { return j < n && ncols[name] ? ncols[name][j] : null; }
    function nodeId(j) { return j < n ? key(ids[j]) : extra[j - n]; }

    // Titles and labels.
    var titleCol = nb.node_title || nb.node_label, labelCol = nb.node_label;
    for (i = 0; i < N; i++) {
      var t = titleCol ? nodeValue(titleCol, i) : null;
      model.title[i] = t === null || t === undefined ? nodeId(i) : String(t);
      var l = labelCol ? nodeValue(labelCol, i) : null;
      model.label[i] = l === null || l === undefined ? model.title[i] : String(l);
    }
    // Colors: complex encoding, else the node_color binding, else one default color.
    var colorEnc = applyEncoding(complexEncoding(data.node_encodings, "pointColorEncoding"), ncols, n, "color");
    for (i = 0; i < N; i++) {
      var c = null;
      if (colorEnc && i < n) c = colorEnc.values[i];
      else if (nb.node_color) c = bindingColor(nodeValue(nb.node_color, i));
      model.color[i] = c || DEFAULT_NODE_COLOR;
    }
    // Icons: complex encoding, else the node_icon binding.
    var iconEnc = applyEncoding(complexEncoding(data.node_encodings, "pointIconEncoding"), ncols, n, "icon");
    for (i = 0; i < N; i++) {
      var ic = iconEnc && i < n ? iconEnc.values[i] : (nb.node_icon ? nodeValue(nb.node_icon, i) : null);
      model.icon[i] = ic === null || ic === undefined || ic === "" ? null : glyph(String(ic), iconEnc && iconEnc.asText);
    }
    // Sizes: complex encoding or node_size binding (relative), else by degree.
    var sizeEnc = applyEncoding(complexEncoding(data.node_encodings, "pointSizeEncoding"), ncols, n, "size");
    var sizes = new Float64Array(N), hasSize = false, maxSize = 0;
    for (i = 0; i < N; i++) {
      var s = sizeEnc && i < n ? sizeEnc.values[i] : (nb.node_size ? nodeValue(nb.node_size, i) : null);
      s = typeof s === "string" ? parseFloat(s) : s;
      if (typeof s === "number" && isFinite(s) && s > 0) { sizes[i] = s; hasSize = true; if (s > maxSize) maxSize = s; }
    }
    var radiusSum = 0;
    for (i = 0; i < N; i++) {
      if (hasSize) model.radius[i] = sizes[i] > 0 ? Math.max(2.5, 11 * Math.sqrt(sizes[i] / maxSize)) : 4;
      else model.radius[i] = Math.min(14, 3 + 1.4 * Math.sqrt(model.degree[i]));
      radiusSum += model.radius[i];
    }
    model.meanRadius = N ? radiusSum / N : 0;
    // Edge colors: complex encoding, else edge_color binding, else the source's color.
    var ecolorEnc = applyEncoding(complexEncoding(data.edge_encodings, "edgeColorEncoding"), edges.columns, edges.count, "color");
    model.edgeColor = new Array(E);
    for (i = 0; i < E; i++) {
      var row = edgeRows[i], ec = null;
      if (ecolorEnc) ec = ecolorEnc.values[row];
      else if (eb.edge_color && edges.columns[eb.edge_color]) ec = bindingColor(edges.columns[eb.edge_color][row]);
      model.edgeColor[i] = ec || model.color[model.src[i]];
    }
    // Legend: the categorical color encoding, with icons when they encode the same column.
    if (colorEnc && colorEnc.categories) {
      var counts = {}, col = ncols[colorEnc.attribute];
      for (i = 0; i < n; i++) { var kk = key(col[i]); counts[kk] = (counts[kk] || 0) + 1; }
      var iconFor = {};
      if (iconEnc && iconEnc.attribute === colorEnc.attribute) {
        for (i = 0; i < n; i++) iconFor[key(col[i])] = model.icon[i];
      }
      model.legends.push({
        title: colorEnc.attribute,
        items: colorEnc.categories.slice(0, 30).map(function (kv) {
          return { label: kv[0], color: kv[1] || DEFAULT_NODE_COLOR, icon: iconFor[kv[0]] || null, count: counts[kv[0]] || 0 };
        })
      });
    }
    var sizeAttr = sizeEnc ? sizeEnc.attribute : nb.node_size;
    if (sizeAttr) model.legends.push({ title: "size: " + sizeAttr, items: [] });
    return model;
  }

  function glyph(name, asText) {
    if (asText) return name.length > 3 ? name.substr(0, 3) : name;
    var g = GLYPHS[name.toLowerCase().replace(/^fa-/, "")];
    return g || name.charAt(0).toUpperCase();
  }

  // ---------------------------------------------------------------- layout ---
  function Layout(model, positions) {
    var N = model.N, i;
    this.N = N; this.model = model;
    this.x = new Float64Array(N); this.y = new Float64Array(N);
    this.vx = new Float64Array(N); this.vy = new Float64Array(N);
    // About 320 ticks to cool down; fewer on big graphs, where each tick costs more.
    var ticks = Math.round(Math.max(120, Math.min(320, 320 * 5000 / Math.max(1, N))));
    this.alpha = 1; this.alphaMin = 0.002; this.alphaDecay = 1 - Math.pow(this.alphaMin, 1 / ticks);
    this.fixed = !!positions;
    var golden = Math.PI * (3 - Math.sqrt(5));
    for (i = 0; i < N; i++) {
      if (positions) { this.x[i] = positions[0][i]; this.y[i] = positions[1][i]; continue; }
      var r = 10 * Math.sqrt(0.5 + i), a = i * golden;
      this.x[i] = r * Math.cos(a); this.y[i] = r * Math.sin(a);
    }
    // Link strengths and biases as d3-force: weak links around hubs, heavier end moves less.
    var E = model.E, deg = model.degree;
    this.strength = new Float64Array(E); this.bias = new Float64Array(E);
    for (i = 0; i < E; i++) {
      var s = model.src[i], t = model.dst[i];
      this.strength[i] = 1 / Math.max(1, Math.min(deg[s], deg[t]));
      this.bias[i] = deg[s] / Math.max(1, deg[s] + deg[t]);
    }
    this.linkDistance = 26;
    this.charge = -34;
    this.gravity = 0.04;
    // Quadtree storage, reused every tick.
    this.cap = 0;
    this.ticks = 0; this.tickMs = 0;
  }
  Layout.prototype.done = function () { return this.fixed || this.alpha < this.alphaMin; };
  Layout.prototype.reheat = function (a) { if (!this.fixed) this.alpha = Math.max(this.alpha, a); };
  Layout.prototype.grow = function (n) {
    this.cap = n;
    this.qx = new Float64Array(n); this.qy = new Float64Array(n); this.qs = new Float64Array(n);
    this.qm = new Float64Array(n); this.qcx = new Float64Array(n); this.qcy = new Float64Array(n);
    this.qchild = new Int32Array(4 * n); this.qnode = new Int32Array(n); this.qcount = new Int32Array(n);
  };
  Layout.prototype.buildTree = function () {
    var N = this.N, x = this.x, y = this.y, i;
    if (this.cap < 2 * N + 64) this.grow(4 * N + 64);
    var minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity;
    for (i = 0; i < N; i++) {
      if (x[i] < minX) minX = x[i]; if (x[i] > maxX) maxX = x[i];
      if (y[i] < minY) minY = y[i]; if (y[i] > maxY) maxY = y[i];
    }
    var size = Math.max(maxX - minX, maxY - minY, 1) * 1.0001;
    this.used = 0;
    var root = this.cell(minX, minY, size);
    for (i = 0; i < N; i++) this.insert(root, i, 0);
    return root;
  };
  Layout.prototype.cell = function (x0, y0, s) {
    if (this.used >= this.cap) {
      var old = this;
      var keep = { qx: old.qx, qy: old.qy, qs: old.qs, qm: old.qm, qcx: old.qcx, qcy: old.qcy, qchild: old.qchild, qnode: old.qnode, qcount: old.qcount };
      this.grow(this.cap * 2);
      for (var k in keep) this[k].set(keep[k]);
    }
    var c = this.used++;
    this.qx[c] = x0; this.qy[c] = y0; this.qs[c] = s; this.qm[c] = 0; this.qcx[c] = 0; this.qcy[c] = 0;
    this.qchild[4 * c] = this.qchild[4 * c + 1] = this.qchild[4 * c + 2] = this.qchild[4 * c + 3] = -1;
    this.qnode[c] = -1; this.qcount[c] = 0;
    return c;
  };
  Layout.prototype.insert = function (c, i, depth) {
    var px = this.x[i], py = this.y[i];
    for (;;) {
      // Accumulate the centre of mass on the way down (unit masses).
      var m = this.qm[c];
      this.qcx[c] = (this.qcx[c] * m + px) / (m + 1); this.qcy[c] = (this.qcy[c] * m + py) / (m + 1); this.qm[c] = m + 1;
      var isLeaf = this.qchild[4 * c] === -1 && this.qchild[4 * c + 1] === -1 && this.qchild[4 * c + 2] === -1 && this.qchild[4 * c + 3] === -1;
      if (isLeaf && this.qcount[c] === 0) { this.qnode[c] = i; this.qcount[c] = 1; return; }
      if (isLeaf && (depth > 48 || this.qs[c] < 1e-6)) { this.qcount[c]++; return; } // coincident points
      if (isLeaf) {
        // Split: push the resident node one level down.
        var j = this.qnode[c], jc = this.qcount[c];
        this.qnode[c] = -1; this.qcount[c] = 0;
        var q = this.quadrant(c, this.x[j], this.y[j]);
        var child = this.child(c, q);
        this.qnode[child] = j; this.qcount[child] = jc; this.qm[child] = jc;
        this.qcx[child] = this.x[j]; this.qcy[child] = this.y[j];
      }
      c = this.child(c, this.quadrant(c, px, py));
      depth++;
    }
  };
  Layout.prototype.quadrant = function (c, px, py) {
    var h = this.qs[c] / 2;
    return (px >= this.qx[c] + h ? 1 : 0) + (py >= this.qy[c] + h ? 2 : 0);
  };
  Layout.prototype.child = function (c, q) {
    var existing = this.qchild[4 * c + q];
    if (existing !== -1) return existing;
    var h = this.qs[c] / 2;
    var made = this.cell(this.qx[c] + (q & 1 ? h : 0), this.qy[c] + (q & 2 ? h : 0), h);
    this.qchild[4 * c + q] = made;
    return made;
  };
  Layout.prototype.tick = function () {
    var started = performance.now();
    this.step();
    this.tickMs += performance.now() - started;
    this.ticks++;
    if (this.ticks % 20 === 0 || this.done()) {
      body.setAttribute("data-tick-ms", (this.tickMs / this.ticks).toFixed(2));
      body.setAttribute("data-ticks", String(this.ticks));
    }
  };
  Layout.prototype.step = function () {
    var N = this.N, x = this.x, y = this.y, vx = this.vx, vy = this.vy, alpha = this.alpha, i;
    var m = this.model, E = m.E, src = m.src, dst = m.dst;
    // Links (springs).
    for (i = 0; i < E; i++) {
      var s = src[i], t = dst[i];
      if (s === t) continue;
      var dx = x[t] + vx[t] - x[s] - vx[s], dy = y[t] + vy[t] - y[s] - vy[s];
      var l = Math.sqrt(dx * dx + dy * dy) || 1e-6;
      l = (l - this.linkDistance) / l * alpha * this.strength[i];
      dx *= l; dy *= l;
      var b = this.bias[i];
      vx[t] -= dx * b; vy[t] -= dy * b;
      vx[s] += dx * (1 - b); vy[s] += dy * (1 - b);
    }
    // Repulsion, Barnes-Hut (theta 0.9).
    var root = this.buildTree(), theta2 = N > 10000 ? 1.69 : 0.81, charge = this.charge * alpha, stack = this.stack || (this.stack = new Int32Array(4096));
    var qx = this.qcx, qy = this.qcy, qm = this.qm, qs = this.qs, qchild = this.qchild, qnode = this.qnode, qcount = this.qcount;
    for (i = 0; i < N; i++) {
      var xi = x[i], yi = y[i], fx = 0, fy = 0, top = 0;
      stack[top++] = root;
      while (top > 0) {
        var c = stack[--top];
        var cx = qx[c] - xi, cy = qy[c] - yi, l2 = cx * cx + cy * cy, mass = qm[c];
        var leaf = qchild[4 * c] === -1 && qchild[4 * c + 1] === -1 && qchild[4 * c + 2] === -1 && qchild[4 * c + 3] === -1;
        if (leaf) {
          if (qnode[c] === i) { mass -= 1; if (mass <= 0) continue; }
          if (l2 === 0) { cx = (Math.random() - 0.5) * 1e-3; cy = (Math.random() - 0.5) * 1e-3; l2 = cx * cx + cy * cy; }
          if (l2 < 1) l2 = Math.sqrt(l2);
          fx += cx * mass * charge / l2; fy += cy * mass * charge / l2;
          continue;
        }
        if (qs[c] * qs[c] / theta2 < l2) {
          if (l2 < 1) l2 = Math.sqrt(l2);
          fx += cx * mass * charge / l2; fy += cy * mass * charge / l2;
          continue;
        }
        if (top + 4 > stack.length) { var bigger = new Int32Array(stack.length * 2); bigger.set(stack); stack = this.stack = bigger; }
        for (var q = 0; q < 4; q++) if (qchild[4 * c + q] !== -1) stack[top++] = qchild[4 * c + q];
      }
      vx[i] += fx; vy[i] += fy;
    }
    // Gravity, integration.
    var g = this.gravity * alpha;
    for (i = 0; i < N; i++) {
      vx[i] -= x[i] * g; vy[i] -= y[i] * g;
      vx[i] *= 0.6; vy[i] *= 0.6;
      x[i] += vx[i]; y[i] += vy[i];
    }
    this.alpha += (0 - this.alpha) * this.alphaDecay;
  };

  // ------------------------------------------------------------------ view ---
  var view = { k: 1, tx: 0, ty: 0, auto: true };
  var W = 0, H = 0, dpr = 1;
  function resize() {
    dpr = window.devicePixelRatio || 1;
    W = canvas.clientWidth || window.innerWidth; H = canvas.clientHeight || window.innerHeight;
    canvas.width = Math.max(1, Math.round(W * dpr)); canvas.height = Math.max(1, Math.round(H * dpr));
  }
  function fit(layout, model, smooth) {
    var N = layout.N;
    if (!N) return;
    var minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity;
    for (var i = 0; i < N; i++) {
      var r = model.radius[i];
      minX = Math.min(minX, layout.x[i] - r); maxX = Math.max(maxX, layout.x[i] + r);
      minY = Math.min(minY, layout.y[i] - r); maxY = Math.max(maxY, layout.y[i] + r);
    }
    var pad = 28;
    var legendW = legend.hidden ? 0 : Math.min(legend.offsetWidth + 16, W * 0.3);
    var availW = Math.max(50, W - 2 * pad - legendW), availH = Math.max(50, H - 2 * pad);
    var k = Math.min(availW / Math.max(1, maxX - minX), availH / Math.max(1, maxY - minY), 8);
    var tx = pad + availW / 2 - k * (minX + maxX) / 2, ty = pad + availH / 2 - k * (minY + maxY) / 2;
    var f = smooth ? 0.25 : 1;
    view.k += (k - view.k) * f; view.tx += (tx - view.tx) * f; view.ty += (ty - view.ty) * f;
  }

  var draws = 0, drawTotal = 0;
  function draw(layout, model, bg) {
    var started = performance.now();
    paint(layout, model, bg);
    drawTotal += performance.now() - started;
    if (++draws % 10 === 0 || layout.done()) body.setAttribute("data-draw-ms", (drawTotal / draws).toFixed(2));
  }

  function paint(layout, model, bg) {
    var N = model.N, E = model.E, x = layout.x, y = layout.y, i, k = view.k;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.fillStyle = bg; ctx.fillRect(0, 0, W, H);
    ctx.setTransform(dpr * k, 0, 0, dpr * k, dpr * view.tx, dpr * view.ty);
    // Edges, one path per color.
    var buckets = new Map();
    for (i = 0; i < E; i++) {
      var col = model.edgeColor[i], list = buckets.get(col);
      if (!list) { list = []; buckets.set(col, list); }
      list.push(i);
    }
    ctx.lineWidth = Math.max(0.6, 1.1 / Math.sqrt(k)) ;
    ctx.globalAlpha = E > 5000 ? 0.22 : 0.42;
    buckets.forEach(function (edges, colr) {
      ctx.strokeStyle = colr; ctx.beginPath();
      for (var j = 0; j < edges.length; j++) {
        var e = edges[j], s = model.src[e], t = model.dst[e];
        ctx.moveTo(x[s], y[s]); ctx.lineTo(x[t], y[t]);
      }
      ctx.stroke();
    });
    ctx.globalAlpha = 1;
    // Nodes, one path per color, with a thin dark outline.
    var nb = new Map();
    for (i = 0; i < N; i++) {
      var c = model.color[i], l = nb.get(c);
      if (!l) { l = []; nb.set(c, l); }
      l.push(i);
    }
    // Outlines cost more than the fills in a software rasterizer: only when nodes are big.
    var outline = model.meanRadius * k >= 3.5 && N <= 5000;
    ctx.lineWidth = 1.2 / k; ctx.strokeStyle = "rgba(10,14,20,0.85)";
    nb.forEach(function (nodes, colr) {
      ctx.fillStyle = colr; ctx.beginPath();
      for (var j = 0; j < nodes.length; j++) {
        var v = nodes[j], r = model.radius[v];
        if (r * k < 1.2) { var d = Math.max(r, 0.9 / k); ctx.rect(x[v] - d, y[v] - d, 2 * d, 2 * d); continue; }  // a dot
        ctx.moveTo(x[v] + r, y[v]); ctx.arc(x[v], y[v], r, 0, 2 * Math.PI);
      }
      ctx.fill();
      if (outline) ctx.stroke();
    });
    // Icons inside nodes that are big enough on screen; labels beside the biggest.
    ctx.textAlign = "center"; ctx.textBaseline = "middle";
    for (i = 0; i < N; i++) {
      var rr = model.radius[i] * k;
      if (model.icon[i] && rr >= 5) {
        ctx.font = "bold " + (model.radius[i] * 1.25).toFixed(2) + "px sans-serif";
        ctx.fillStyle = isDark(model.color[i]) ? "#ffffff" : "#10151c";
        ctx.fillText(model.icon[i], x[i], y[i] + model.radius[i] * 0.06);
      }
    }
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.font = "12px sans-serif"; ctx.textAlign = "left";
    var labels = 0;
    for (i = 0; i < N && labels < 150; i++) {
      var sr = model.radius[i] * k;
      if (sr < 9 && !(hovered === i)) continue;
      var sx = x[i] * k + view.tx + sr + 4, sy = y[i] * k + view.ty;
      if (sx < -50 || sx > W || sy < 0 || sy > H) continue;
      ctx.lineWidth = 3; ctx.strokeStyle = bg; ctx.strokeText(model.label[i], sx, sy);
      ctx.fillStyle = "#e6e9ee"; ctx.fillText(model.label[i], sx, sy);
      labels++;
    }
    if (hovered >= 0) {
      ctx.beginPath(); ctx.lineWidth = 2; ctx.strokeStyle = "#ffffff";
      ctx.arc(x[hovered] * k + view.tx, y[hovered] * k + view.ty, model.radius[hovered] * k + 3, 0, 2 * Math.PI);
      ctx.stroke();
    }
    if (body.getAttribute("data-drawn-nodes") !== String(N)) body.setAttribute("data-drawn-nodes", String(N));
    if (body.getAttribute("data-drawn-edges") !== String(E)) body.setAttribute("data-drawn-edges", String(E));
  }

  // -------------------------------------------------------------- tooltips ---
  var hovered = -1;
  function nodeAt(layout, model, sx, sy) {
    var wx = (sx - view.tx) / view.k, wy = (sy - view.ty) / view.k, best = -1, bestD = Infinity;
    for (var i = 0; i < model.N; i++) {
      var dx = layout.x[i] - wx, dy = layout.y[i] - wy, d = dx * dx + dy * dy;
      var r = model.radius[i] + 3 / view.k;
      if (d <= r * r && d < bestD) { best = i; bestD = d; }
    }
    return best;
  }
  function showTip(model, i, sx, sy) {
    if (i < 0) { tip.hidden = true; return; }
    tip.textContent = "";
    var h = document.createElement("div"); h.className = "tip-title"; h.textContent = model.title[i];
    tip.appendChild(h);
    var table = document.createElement("table"), shown = 0;
    function row(k, v) {
      var tr = document.createElement("tr"), th = document.createElement("th"), td = document.createElement("td");
      th.textContent = k; td.textContent = v === null || v === undefined ? "" : String(v);
      tr.appendChild(th); tr.appendChild(td); table.appendChild(tr);
    }
    if (i < model.rows) {
      for (var name in model.ncols) { if (shown++ < 14) row(name, model.ncols[name][i]); }
    } else {
      row("id", model.extra[i - model.rows]);
    }
    row("degree", model.degree[i]);
    tip.appendChild(table);
    tip.hidden = false;
    var tw = tip.offsetWidth, th2 = tip.offsetHeight;
    tip.style.left = Math.min(sx + 14, W - tw - 6) + "px";
    tip.style.top = Math.min(sy + 14, H - th2 - 6) + "px";
  }

  function renderLegend(model) {
    if (!model.legends.length || !model.legends[0].items.length) return;
    legend.textContent = "";
    model.legends.forEach(function (lg) {
      var h = document.createElement("h2"); h.textContent = lg.title; legend.appendChild(h);
      if (!lg.items.length) return;
      var ul = document.createElement("ul");
      lg.items.forEach(function (it) {
        var li = document.createElement("li"), sw = document.createElement("span"), tx = document.createElement("span"), ct = document.createElement("span");
        sw.className = "swatch"; sw.style.background = safeColor(it.color, DEFAULT_NODE_COLOR); sw.textContent = it.icon || "";
        sw.style.color = isDark(it.color) ? "#fff" : "#10151c";
        tx.textContent = it.label; ct.className = "count"; ct.textContent = it.count;
        li.appendChild(sw); li.appendChild(tx); li.appendChild(ct); ul.appendChild(li);
      });
      legend.appendChild(ul);
    });
    legend.hidden = false;
  }

  // ------------------------------------------------------------------ main ---
  function positionsOf(data) {
    var nb = data.node_encodings.bindings || {}, c = data.nodes.columns;
    var xs = nb.node_x && c[nb.node_x], ys = nb.node_y && c[nb.node_y];
    if (!xs || !ys || !data.nodes.count) return null;
    for (var i = 0; i < xs.length; i++) if (typeof xs[i] !== "number" || typeof ys[i] !== "number") return null;
    return [xs, ys];
  }

  function start(data) {
    var model = buildModel(data);
    var positions = model.extra.length ? null : positionsOf(data);
    var layout = new Layout(model, positions);
    var meta = data.metadata || {}, bg = safeColor(meta.bg && meta.bg.color, "#0f1419");
    if (meta.bg && meta.bg.color) body.style.background = bg;
    var d = data.dataset;
    document.getElementById("title").textContent = d.name;
    document.title = d.name + " - graphistry_fp";
    var stats = model.N + " nodes \u00B7 " + model.E + " edges \u00B7 owner " + d.owner + " \u00B7 org " + d.org_name;
    if (data.edges.truncated || data.nodes.truncated) {
      stats += " \u00B7 showing the first " + data.edges.count + " of " + data.edges.total + " edges";
      if (data.nodes.truncated) stats += " and " + data.nodes.count + " of " + data.nodes.total + " nodes";
    }
    if (d.description) stats = d.description + " \u2014 " + stats;
    document.getElementById("stats").textContent = stats;
    message.hidden = true;
    if (!model.N) { message.textContent = "This dataset has no nodes."; message.hidden = false; }
    var hint = document.createElement("div"); hint.id = "hint";
    hint.textContent = "drag to pan \u00B7 wheel to zoom \u00B7 hover a node for details \u00B7 double-click to refit";
    canvas.parentNode.appendChild(hint);
    renderLegend(model);
    resize();
    // A head start before the first paint, so even a quick screenshot shows a layout.
    var t0 = performance.now(), layoutStart = t0;
    while (!layout.done() && performance.now() - t0 < 120) layout.tick();
    fit(layout, model, false);
    draw(layout, model, bg);
    body.setAttribute("data-status", layout.done() ? "settled" : "ready");

    var dirty = true, frames = 0;
    // A small read-only handle for tests and the console.
    window.graphistryViewer = {
      nodeCount: model.N, edgeCount: model.E,
      view: function () { return { k: view.k, tx: view.tx, ty: view.ty }; },
      screenPosition: function (i) {  // in client (viewport) coordinates
        var rect = canvas.getBoundingClientRect();
        return [rect.left + layout.x[i] * view.k + view.tx, rect.top + layout.y[i] * view.k + view.ty];
      },
      title: function (i) { return model.title[i]; },
      color: function (i) { return model.color[i]; },
      radius: function (i) { return model.radius[i]; }
    };
    var lastFrame = 0;
    function frame(now) {
      // Ticks get ~14 ms of a 60 Hz frame; where frames come slower (a software rasterizer),
      // they get a share of the gap instead, so the layout still settles in seconds.
      var gap = lastFrame ? now - lastFrame : 16;
      lastFrame = now;
      if (!layout.done()) {
        var t1 = performance.now(), budget = Math.max(14, Math.min(50, 0.6 * gap));
        do { layout.tick(); } while (!layout.done() && performance.now() - t1 < budget);
        if (view.auto) fit(layout, model, true);
        dirty = true;
        frames++;
        if (layout.done()) {
          body.setAttribute("data-layout-ms", (performance.now() - layoutStart).toFixed(0));
          body.setAttribute("data-layout-frames", String(frames));
          if (view.auto) fit(layout, model, false);
          body.setAttribute("data-status", "settled");
        }
      }
      if (dirty) { draw(layout, model, bg); dirty = false; }
      requestAnimationFrame(frame);
    }
    requestAnimationFrame(frame);

    window.addEventListener("resize", function () { resize(); if (view.auto) fit(layout, model, false); dirty = true; });
    canvas.addEventListener("wheel", function (ev) {
      ev.preventDefault();
      view.auto = false;
      var f = Math.exp(-ev.deltaY * (ev.deltaMode ? 0.05 : 0.0015));
      var rect = canvas.getBoundingClientRect(), sx = ev.clientX - rect.left, sy = ev.clientY - rect.top;
      var k = Math.max(0.02, Math.min(60, view.k * f));
      view.tx = sx - (sx - view.tx) * k / view.k; view.ty = sy - (sy - view.ty) * k / view.k; view.k = k;
      dirty = true;
    }, { passive: false });
    var drag = null;
    canvas.addEventListener("mousedown", function (ev) {
      drag = { x: ev.clientX, y: ev.clientY, tx: view.tx, ty: view.ty };
      canvas.classList.add("dragging");
    });
    window.addEventListener("mouseup", function () { drag = null; canvas.classList.remove("dragging"); });
    canvas.addEventListener("dblclick", function () { view.auto = true; fit(layout, model, false); dirty = true; });
    canvas.addEventListener("mouseleave", function () { hovered = -1; tip.hidden = true; dirty = true; });
    window.addEventListener("mousemove", function (ev) {
      var rect = canvas.getBoundingClientRect(), sx = ev.clientX - rect.left, sy = ev.clientY - rect.top;
      if (drag) {
        view.auto = false;
        view.tx = drag.tx + ev.clientX - drag.x; view.ty = drag.ty + ev.clientY - drag.y;
        dirty = true;
        return;
      }
      if (sx < 0 || sy < 0 || sx > W || sy > H) return;
      var i = nodeAt(layout, model, sx, sy);
      if (i !== hovered) { hovered = i; dirty = true; canvas.classList.toggle("over-node", i >= 0); }
      showTip(model, i, sx, sy);
    });
  }

  if (!datasetId) { fail("No dataset: open this page as graph.html?dataset=ID."); return; }
  fetch("/graph/data/" + encodeURIComponent(datasetId) + ".json")
    .then(function (r) {
      if (!r.ok) throw new Error("the server answered " + r.status + " for dataset " + datasetId);
      return r.json();
    })
    .then(start)
    .catch(function (err) { fail("Cannot show this dataset: " + (err && err.message ? err.message : err)); });
})();
