(function () {
  'use strict';
  // Sorting and drill-down only. The page's content is all rendered server-side and escaped; this
  // script never builds markup from text (no innerHTML), so nothing in the data can become code.
  function numberOf(cell) {
    var v = cell.getAttribute('data-v');
    if (v === null || v === '' || v === 'NaN') { return null; }
    var n = parseFloat(v);
    return isNaN(n) ? null : n;
  }
  function textOf(cell) {
    var s = cell.getAttribute('data-s');
    return (s === null ? cell.textContent : s).toLowerCase();
  }
  function sortBy(th) {
    var table = th.closest('table');
    var headers = Array.prototype.slice.call(th.parentNode.children);
    var idx = headers.indexOf(th);
    var numeric = th.getAttribute('data-type') === 'num';
    var current = th.getAttribute('aria-sort');
    var dir;
    if (current === 'descending') { dir = 'ascending'; }
    else if (current === 'ascending') { dir = 'descending'; }
    else if (numeric) { dir = th.getAttribute('data-better') === 'lower' ? 'ascending' : 'descending'; }
    else { dir = 'ascending'; }
    headers.forEach(function (h) { h.removeAttribute('aria-sort'); });
    th.setAttribute('aria-sort', dir);
    var body = table.tBodies[0];
    var rows = Array.prototype.slice.call(body.rows);
    var sign = dir === 'ascending' ? 1 : -1;
    rows.sort(function (a, b) {
      var ca = a.cells[idx];
      var cb = b.cells[idx];
      if (numeric) {
        var x = numberOf(ca);
        var y = numberOf(cb);
        if (x === null && y === null) { return 0; }
        if (x === null) { return 1; }
        if (y === null) { return -1; }
        return sign * (x - y);
      }
      return sign * textOf(ca).localeCompare(textOf(cb));
    });
    rows.forEach(function (r) { body.appendChild(r); });
  }
  Array.prototype.forEach.call(document.querySelectorAll('table.sortable thead button.sort'), function (b) {
    b.addEventListener('click', function () { sortBy(b.closest('th')); });
  });

  var cells = Array.prototype.slice.call(document.querySelectorAll('button.cell'));
  var panels = Array.prototype.slice.call(document.querySelectorAll('section.drill'));
  function closeAll() {
    panels.forEach(function (p) { p.hidden = true; });
    cells.forEach(function (c) { c.setAttribute('aria-expanded', 'false'); });
  }
  cells.forEach(function (b) {
    b.addEventListener('click', function () {
      var panel = document.getElementById(b.getAttribute('aria-controls'));
      var wasOpen = panel && !panel.hidden;
      closeAll();
      if (panel && !wasOpen) {
        panel.hidden = false;
        b.setAttribute('aria-expanded', 'true');
        panel.scrollIntoView({block: 'nearest'});
      }
    });
  });
  Array.prototype.forEach.call(document.querySelectorAll('button.close'), function (b) {
    b.addEventListener('click', closeAll);
  });
})();
