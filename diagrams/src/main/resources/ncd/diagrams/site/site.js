// The doc site's script (written by ncdc doc): sidebar toggle, search, and zoom and pan for diagrams.
// The pages read without it; it only adds to them.
(function () {
  'use strict';
  var root = document.body.getAttribute('data-root') || '';

  // ---- sidebar toggle (narrow screens) -------------------------------------------------------------------------
  var toggle = document.getElementById('nav-toggle');
  if (toggle) {
    toggle.addEventListener('click', function () {
      var open = document.body.classList.toggle('nav-open');
      toggle.setAttribute('aria-expanded', String(open));
    });
    document.addEventListener('keydown', function (e) {
      if (e.key === 'Escape' && document.body.classList.contains('nav-open')) {
        document.body.classList.remove('nav-open');
        toggle.setAttribute('aria-expanded', 'false');
      }
    });
  }

  // ---- search --------------------------------------------------------------------------------------------------
  // Items are [name, kind, module, summary, href]. Every word of the query must occur in the name, the module or
  // the summary; names that equal or start with a word rank first.
  var input = document.getElementById('search');
  var list = document.getElementById('search-results');
  var index = window.NCD_SEARCH || [];
  var KIND_ORDER = {circuit: 0, law: 1, module: 2, guide: 3, section: 4};
  var selected = -1;

  function score(item, words) {
    var name = item[0].toLowerCase(), module = item[2].toLowerCase(), summary = item[3].toLowerCase();
    var total = 0;
    for (var i = 0; i < words.length; i++) {
      var w = words[i], s = 0;
      if (name === w) s = 100;
      else if (name.indexOf(w) === 0) s = 70;
      else if (name.indexOf(w) > 0) s = 50;
      else if (module.indexOf(w) >= 0) s = 20;
      else if (summary.indexOf(w) >= 0) s = 10;
      if (s === 0) return 0;
      total += s;
    }
    return total;
  }

  function search(query) {
    var words = query.toLowerCase().split(/\s+/).filter(function (w) { return w.length > 0; });
    if (words.length === 0) return [];
    var hits = [];
    for (var i = 0; i < index.length; i++) {
      var s = score(index[i], words);
      if (s > 0) hits.push({s: s, item: index[i]});
    }
    hits.sort(function (a, b) {
      return b.s - a.s || (KIND_ORDER[a.item[1]] - KIND_ORDER[b.item[1]]) || a.item[0].length - b.item[0].length
          || (a.item[0] < b.item[0] ? -1 : a.item[0] > b.item[0] ? 1 : 0);
    });
    return hits.slice(0, 30).map(function (h) { return h.item; });
  }

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text) e.textContent = text;
    return e;
  }

  function show(items) {
    list.textContent = '';
    selected = -1;
    if (input.value.trim() === '') {
      list.hidden = true;
      input.setAttribute('aria-expanded', 'false');
      return;
    }
    if (items.length === 0) list.appendChild(el('li', 'none', 'Nothing found'));
    items.forEach(function (it, i) {
      var li = el('li');
      li.setAttribute('role', 'option');
      li.id = 'sr-' + i;
      var a = el('a');
      a.href = root + it[4];
      a.appendChild(el('span', 'kind', it[1]));
      a.appendChild(el('code', null, it[0]));
      if (it[2] && it[1] !== 'module') a.appendChild(el('span', 'in', ' in ' + it[2]));
      if (it[3]) a.appendChild(el('span', 'sum', it[3]));
      li.appendChild(a);
      list.appendChild(li);
    });
    list.hidden = false;
    input.setAttribute('aria-expanded', 'true');
  }

  function select(i) {
    var items = list.querySelectorAll('li[role=option]');
    if (items.length === 0) return;
    selected = (i + items.length) % items.length;
    items.forEach(function (li, k) { li.setAttribute('aria-selected', String(k === selected)); });
    items[selected].scrollIntoView({block: 'nearest'});
    input.setAttribute('aria-activedescendant', items[selected].id);
  }

  if (input && list) {
    input.addEventListener('input', function () { show(search(input.value)); });
    input.addEventListener('focus', function () { if (input.value.trim() !== '') show(search(input.value)); });
    input.addEventListener('keydown', function (e) {
      if (e.key === 'ArrowDown') { select(selected + 1); e.preventDefault(); }
      else if (e.key === 'ArrowUp') { select(selected - 1); e.preventDefault(); }
      else if (e.key === 'Enter') {
        var links = list.querySelectorAll('li[role=option] a');
        var a = links[selected >= 0 ? selected : 0];
        if (a) { window.location.href = a.href; e.preventDefault(); }
      } else if (e.key === 'Escape') { input.value = ''; show([]); input.blur(); }
    });
    document.addEventListener('keydown', function (e) {
      var t = e.target;
      var typing = t && (t.tagName === 'INPUT' || t.tagName === 'TEXTAREA' || t.isContentEditable);
      if (!typing && (e.key === '/' || e.key === 's') && !e.ctrlKey && !e.metaKey && !e.altKey) {
        input.focus();
        input.select();
        e.preventDefault();
      }
    });
    document.addEventListener('click', function (e) {
      if (!list.hidden && !e.target.closest('.search')) { list.hidden = true; input.setAttribute('aria-expanded', 'false'); }
    });
  }

  // ---- diagrams: zoom and pan ----------------------------------------------------------------------------------
  // An overview starts fitted to the width of its frame; a full drawing too, unless that would shrink it below half
  // its size (its text unreadable): then it starts at half and scrolls inside its frame. The buttons zoom, fit
  // and show it at its natural size; ctrl+wheel (or a pinch on a touchpad) zooms around the pointer, and dragging
  // pans. Zooming resizes the SVG itself, so text stays sharp at every level.
  function setupDiagram(frame) {
    var svg = frame.querySelector('svg');
    if (!svg) return;
    // the size Graphviz gave it (width and height in pt), not the size CSS squeezed it to
    var box = svg.getBoundingClientRect();
    var naturalW = (svg.width && svg.width.baseVal.value) || box.width;
    var naturalH = (svg.height && svg.height.baseVal.value) || box.height;
    if (!(naturalW > 0 && naturalH > 0)) return;
    svg.style.maxWidth = 'none';
    var scale = 1;
    var tools = el('div', 'dz-tools');
    var level = el('span', 'dz-level');
    function button(label, title, action) {
      var b = el('button', null, label);
      b.type = 'button';
      b.title = title;
      b.setAttribute('aria-label', title);
      b.addEventListener('click', action);
      tools.appendChild(b);
    }
    function fitScale() {
      var cs = getComputedStyle(frame);
      var room = frame.clientWidth - parseFloat(cs.paddingLeft) - parseFloat(cs.paddingRight);
      return Math.min(1, room / naturalW);
    }
    function zoom(s, cx, cy) {
      s = Math.max(0.05, Math.min(8, s));
      var r = frame.getBoundingClientRect();
      if (cx === undefined) { cx = r.left + frame.clientWidth / 2; cy = r.top + frame.clientHeight / 2; }
      var x = frame.scrollLeft + cx - r.left, y = frame.scrollTop + cy - r.top;   // the point to keep in place
      var k = s / scale;
      scale = s;
      svg.style.width = (naturalW * s) + 'px';
      svg.style.height = (naturalH * s) + 'px';
      frame.scrollLeft = x * k - (cx - r.left);
      frame.scrollTop = y * k - (cy - r.top);
      level.textContent = Math.round(s * 100) + '%';
    }
    button('+', 'Zoom in', function () { zoom(scale * 1.25); });
    button('\u2212', 'Zoom out', function () { zoom(scale / 1.25); });
    button('Fit', 'Fit the width of the page', function () { zoom(fitScale()); frame.scrollLeft = 0; frame.scrollTop = 0; });
    button('1:1', 'Natural size', function () { zoom(1); });
    tools.appendChild(level);
    tools.appendChild(el('span', 'dz-hint', 'ctrl+wheel zooms, drag pans'));
    frame.parentNode.insertBefore(tools, frame);
    frame.classList.add('pannable');
    zoom(frame.classList.contains('fit') ? fitScale() : Math.max(fitScale(), 0.5));

    frame.addEventListener('wheel', function (e) {
      if (!e.ctrlKey && !e.metaKey) return;     // a plain wheel scrolls the page as everywhere else
      e.preventDefault();
      zoom(scale * Math.exp(-e.deltaY * 0.002), e.clientX, e.clientY);
    }, {passive: false});
    var drag = null;
    frame.addEventListener('pointerdown', function (e) {
      if (e.pointerType === 'touch' || e.button !== 0) return;   // touch scrolls natively
      drag = {x: e.clientX, y: e.clientY, left: frame.scrollLeft, top: frame.scrollTop};
      frame.setPointerCapture(e.pointerId);
      frame.classList.add('panning');
    });
    frame.addEventListener('pointermove', function (e) {
      if (!drag) return;
      frame.scrollLeft = drag.left - (e.clientX - drag.x);
      frame.scrollTop = drag.top - (e.clientY - drag.y);
    });
    function end() { drag = null; frame.classList.remove('panning'); }
    frame.addEventListener('pointerup', end);
    frame.addEventListener('pointercancel', end);
  }
  var frames = document.querySelectorAll('.diagram');
  for (var i = 0; i < frames.length; i++) setupDiagram(frames[i]);
})();
