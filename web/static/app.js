/* eventsearch: search-box suggestions and self-submitting filters. No libraries. */
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  /* The page's language: the messages below, translated from the catalogs (web/locale),
     come in this script's data-strings (our CSP allows no inline script). */
  var script = document.currentScript;
  var strings = {};
  try { strings = JSON.parse(script && script.getAttribute("data-strings") || "{}"); } catch (err) { strings = {}; }
  var messages = strings.messages || {};
  var lang = strings.locale || document.documentElement.lang || "en";
  var gettext = function (text) {
    return typeof messages[text] === "string" ? messages[text] : text;
  };

  var input = document.getElementById("q");
  var list = document.getElementById("suggestions");
  if (input && list) {
    var form = input.form, timer = 0, active = -1, items = [], last = null, seq = 0;

    var close = function () {
      list.hidden = true;
      list.textContent = "";
      items = [];
      active = -1;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
    };

    var highlight = function (index) {
      items.forEach(function (li, i) {
        li.setAttribute("aria-selected", i === index ? "true" : "false");
      });
      active = index;
      if (index >= 0) {
        input.setAttribute("aria-activedescendant", items[index].id);
        items[index].scrollIntoView({ block: "nearest" });
      } else {
        input.removeAttribute("aria-activedescendant");
      }
    };

    var choose = function (li) {
      // the query the suggestion's count was measured on (a story: context:"Name")
      input.value = li.getAttribute("data-query") || li.getAttribute("data-text");
      close();
      if (form) {
        if (form.requestSubmit) form.requestSubmit(); else form.submit();
      }
    };

    var render = function (suggestions) {
      list.textContent = "";
      items = [];
      active = -1;
      input.removeAttribute("aria-activedescendant");
      suggestions.forEach(function (s, i) {
        if (!s || typeof s.text !== "string") return;
        var li = document.createElement("li");
        li.id = "suggestion-" + i;
        li.setAttribute("role", "option");
        li.setAttribute("aria-selected", "false");
        li.setAttribute("data-text", s.text);
        li.setAttribute("data-kind", s.kind || "");
        if (typeof s.query === "string") li.setAttribute("data-query", s.query);
        var label = document.createElement("span");
        label.textContent = s.text;
        li.appendChild(label);
        var kind = document.createElement("span");
        kind.className = "kind";
        var kinds = { context: gettext("story"), phrase: gettext("phrase"), word: gettext("word") };
        kind.textContent = (kinds[s.kind] || s.kind || "") +
          (typeof s.count === "number" ? " · " + s.count.toLocaleString(lang) : "");
        li.appendChild(kind);
        li.addEventListener("mousedown", function (e) { e.preventDefault(); });
        li.addEventListener("click", function () { choose(li); });
        list.appendChild(li);
        items.push(li);
      });
      if (items.length) {
        list.hidden = false;
        input.setAttribute("aria-expanded", "true");
      } else {
        close();
      }
    };

    var fetchSuggestions = function () {
      var value = input.value.trim();
      if (!value) { last = null; close(); return; }
      if (value === last) return;
      last = value;
      var mine = ++seq;
      // the interface's script (<html lang="zh-Hant">): stories named as the reader writes them
      var script = (document.documentElement.lang.match(/-(Hans|Hant)$/) || [])[1];
      var url = "/api/v1/suggest?q=" + encodeURIComponent(value) + (script ? "&script=" + script : "");
      fetch(url, { headers: { Accept: "application/json" } })
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (data) {
          if (mine !== seq || document.activeElement !== input) return;
          render(data && Array.isArray(data.suggestions) ? data.suggestions : []);
        })
        .catch(function () { if (mine === seq) close(); });
    };

    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(fetchSuggestions, 80);
    });

    input.addEventListener("keydown", function (e) {
      if (list.hidden || !items.length) {
        if (e.key === "ArrowDown" && input.value.trim()) { last = null; fetchSuggestions(); e.preventDefault(); }
        return;
      }
      if (e.key === "ArrowDown") {
        e.preventDefault();
        highlight(active + 1 >= items.length ? 0 : active + 1);
      } else if (e.key === "ArrowUp") {
        e.preventDefault();
        highlight(active <= 0 ? items.length - 1 : active - 1);
      } else if (e.key === "Enter") {
        if (active >= 0) { e.preventDefault(); choose(items[active]); }
      } else if (e.key === "Escape") {
        e.preventDefault();
        close();
      } else if (e.key === "Tab") {
        close();
      }
    });

    input.addEventListener("blur", function () { setTimeout(close, 150); });
    document.addEventListener("click", function (e) {
      if (e.target !== input && !list.contains(e.target)) close();
    });
  }

  var each = function (list, fn) { Array.prototype.forEach.call(list, fn); };

  /* The filter panel: open beside the results on wide screens (CSS does it where
     ::details-content is supported), and open wherever a link led into it. */
  var panel = document.getElementById("filters");
  if (panel) {
    var wide = window.matchMedia("(min-width: 761px)");
    if (wide.matches || location.hash.indexOf("#facet-") === 0) panel.open = true;
    wide.addEventListener("change", function (e) { if (e.matches) panel.open = true; });
  }

  /* Filters: a ticked or unticked box applies at once, and the reader lands back on it. */
  var FOCUS_KEY = "eventsearch-focus";
  var facets = document.getElementById("facets");
  if (facets) {
    facets.addEventListener("change", function (e) {
      var box = e.target;
      if (!box || box.type !== "checkbox") return;
      if (box.name === "year") {
        /* months belong to one chosen year */
        each(facets.querySelectorAll('input[name="month"]'), function (m) { m.checked = false; });
      }
      /* the next page focuses the same box (a #facet- address would blur it again) */
      try { sessionStorage.setItem(FOCUS_KEY, JSON.stringify([box.name, box.value])); } catch (err) { /* private mode */ }
      if (facets.requestSubmit) facets.requestSubmit(); else facets.submit();
    });
    var wanted = null;
    try {
      wanted = JSON.parse(sessionStorage.getItem(FOCUS_KEY) || "null");
      sessionStorage.removeItem(FOCUS_KEY);
    } catch (err) { wanted = null; }
    if (Array.isArray(wanted)) {
      each(facets.querySelectorAll('input[type="checkbox"]'), function (box) {
        if (box.name !== wanted[0] || box.value !== wanted[1]) return;
        var more = box.closest("details.more-values");
        if (more) more.open = true;
        if (panel) panel.open = true;
        box.focus();
      });
    }

    /* Finding a story or outlet: narrow the values shown as the reader types; Enter
       still asks the server for all of them. */
    each(facets.querySelectorAll("input[data-filter-facet]"), function (input) {
      var fieldset = input.closest("fieldset");
      var empty = fieldset.querySelector(".filter-empty");
      var more = fieldset.querySelector("details.more-values");
      input.addEventListener("input", function () {
        var text = input.value.trim().toLowerCase();
        var shown = 0;
        each(fieldset.querySelectorAll(".facet-values > li"), function (li) {
          var label = li.querySelector("label");
          var hit = !text || (label && label.textContent.toLowerCase().indexOf(text) !== -1);
          li.hidden = !hit;
          if (hit) shown++;
        });
        if (more && text) more.open = true;
        if (empty) empty.hidden = !text || shown > 0;
      });
    });
    /* leave empty dates out of the address */
    facets.addEventListener("submit", function () {
      each(facets.querySelectorAll('input[type="date"]'), function (d) {
        if (!d.value) d.disabled = true;
      });
    });
    window.addEventListener("pageshow", function () {
      each(facets.querySelectorAll("input:disabled"), function (d) { d.disabled = false; });
    });
  }

  /* A citation's copy button, where the page may write to the clipboard; without it
     the text stays selectable (a click in a field selects all of it). */
  each(document.querySelectorAll("button[data-copy]"), function (button) {
    var field = document.getElementById(button.getAttribute("data-copy"));
    var label = button.querySelector(".copy-label");
    if (!field || !label) return;
    field.addEventListener("focus", function () { field.select(); });
    if (!(navigator.clipboard && window.isSecureContext)) return;
    var idle = label.textContent;
    button.hidden = false;
    button.addEventListener("click", function () {
      navigator.clipboard.writeText(field.value).then(function () {
        label.textContent = gettext("Copied");
        setTimeout(function () { label.textContent = idle; }, 2000);
      }, function () { field.select(); });
    });
  });
})();
