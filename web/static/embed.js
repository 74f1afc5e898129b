/* eventsearch widget: <div data-eventsearch></div> + <script src="https://HOST/embed.js" async></script>
   Everything lives in a shadow root, so no style leaks in or out; the host page can
   restyle through CSS custom properties (--es-accent, --es-font, --es-text, --es-muted,
   --es-bg, --es-border) and ::part(form|input|button|results|item|title|meta).
   It speaks the language of data-lang="zh-Hant" on its element, else of the page's
   <html lang>: English, Simplified or Traditional Chinese. */
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script) { return; }
  var base = new URL(script.src, document.baseURI).origin;
  // {"zh-Hant": {"locale": "zh-Hant", "messages": {...}}, ...}: the server fills this in
  // from its catalogs (web/i18n.py embed_script); served as a plain file it stays English.
  var STRINGS = {};
  var css = [
    ":host{display:block;font-family:var(--es-font,system-ui,sans-serif);color:var(--es-text,#1b1b1b);",
    "background:var(--es-bg,transparent);font-size:15px;line-height:1.4}",
    "form{display:flex;gap:.4em}",
    "input{flex:1;min-width:0;padding:.45em .6em;border:1px solid var(--es-border,#888);border-radius:4px;font:inherit}",
    "button{padding:.45em .9em;border:0;border-radius:4px;background:var(--es-accent,#1f3a5f);color:#fff;font:inherit;cursor:pointer}",
    "ol{list-style:none;margin:.6em 0 0;padding:0}",
    "li{padding:.45em 0;border-bottom:1px solid var(--es-border,#ddd)}",
    "a{color:var(--es-accent,#1f3a5f)}",
    "mark{background:#ffe27a;color:inherit}",
    ".meta,.status{color:var(--es-muted,#555);font-size:.85em}"
  ].join("");

  function decode(html) {
    var box = document.createElement("textarea");
    box.innerHTML = html; // a textarea's content is text: nothing runs
    return box.value;
  }

  // Server highlights are escaped text with <mark> tags: rebuild them as DOM nodes.
  function highlighted(target, html) {
    var parts = String(html).split(/(<mark>[\s\S]*?<\/mark>)/);
    parts.forEach(function (part) {
      var match = /^<mark>([\s\S]*)<\/mark>$/.exec(part);
      if (match) {
        var mark = document.createElement("mark");
        mark.textContent = decode(match[1]);
        target.appendChild(mark);
      } else if (part) {
        target.appendChild(document.createTextNode(decode(part)));
      }
    });
  }

  // The interface for a language tag: CLDR's likely script (zh-TW -> Hant), as the
  // server's Accept-Language negotiation does; English when we do not speak it.
  function interfaceFor(tag) {
    var wanted;
    try { wanted = new Intl.Locale(tag).maximize(); } catch (err) { return "en"; }
    var scripted = wanted.language + "-" + wanted.script;
    if (STRINGS[scripted]) { return scripted; }
    return STRINGS[wanted.language] ? wanted.language : "en";
  }

  function speaker(tag) {
    var table = STRINGS[tag] || {};
    var messages = table.messages || {};
    var locale = table.locale || "en-GB";
    var plurals = new Intl.PluralRules(locale);
    return {
      tag: tag,
      locale: locale,
      gettext: function (text) {
        return typeof messages[text] === "string" ? messages[text] : text;
      },
      ngettext: function (one, many, n) {
        var forms = messages[one];
        var form = forms && typeof forms === "object" ? forms[plurals.select(n)] || forms.other : null;
        return form || (n === 1 ? one : many);
      },
      fill: function (text, values) {
        return text.replace(/%\((\w+)\)s/g, function (all, name) {
          return Object.prototype.hasOwnProperty.call(values, name) ? String(values[name]) : all;
        });
      },
      date: function (iso) {
        var day = new Date(iso + "T00:00:00Z");
        if (isNaN(day.getTime())) { return iso; }
        return new Intl.DateTimeFormat(locale, { year: "numeric", month: "long", day: "numeric",
          timeZone: "UTC" }).format(day);
      }
    };
  }

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text !== undefined) { node.textContent = text; }
    return node;
  }

  function mount(host) {
    if (host.shadowRoot) { return; }
    var root = host.attachShadow({ mode: "open" });
    if (root.adoptedStyleSheets !== undefined && typeof CSSStyleSheet === "function") {
      var sheet = new CSSStyleSheet();
      sheet.replaceSync(css);
      root.adoptedStyleSheets = [sheet];
    } else {
      root.appendChild(el("style", {}, css));
    }
    var perPage = Math.min(parseInt(host.getAttribute("data-per-page") || "5", 10) || 5, 20);
    var say = speaker(interfaceFor(host.getAttribute("data-lang") ||
      document.documentElement.lang || navigator.language || "en"));
    var gettext = say.gettext, ngettext = say.ngettext;
    if (host.getAttribute("data-lang")) { host.setAttribute("lang", say.tag); }
    var form = el("form", { part: "form", role: "search" });
    var label = el("label", { "for": "q", hidden: "" }, gettext("Search news events"));
    var input = el("input", { id: "q", type: "search", part: "input", name: "q",
      placeholder: host.getAttribute("data-placeholder") || gettext("Search news events") });
    var button = el("button", { type: "submit", part: "button" }, gettext("Search"));
    var status = el("p", { "class": "status", role: "status", "aria-live": "polite" });
    var list = el("ol", { part: "results" });
    form.appendChild(label);
    form.appendChild(input);
    form.appendChild(button);
    root.appendChild(form);
    root.appendChild(status);
    root.appendChild(list);

    function run(query) {
      var url = base + "/api/v1/search?facets=0&per_page=" + perPage + "&q=" + encodeURIComponent(query);
      status.textContent = gettext("Searching…");
      fetch(url, { credentials: "omit" }).then(function (response) {
        return response.json().then(function (body) { return { ok: response.ok, body: body }; });
      }).then(function (answer) {
        list.textContent = "";
        if (!answer.ok) { status.textContent = answer.body.detail || gettext("Search failed"); return; }
        var body = answer.body;
        var total = body.total.toLocaleString(say.locale);
        status.textContent = body.corrected_from
          ? say.fill(ngettext("%(num)s event, showing results for “%(query)s”",
              "%(num)s events, showing results for “%(query)s”", body.total),
              { num: total, query: body.did_you_mean })
          : say.fill(ngettext("%(num)s event", "%(num)s events", body.total), { num: total });
        body.hits.forEach(function (hit) {
          var item = el("li", { part: "item" });
          var link = el("a", { href: base + "/events/" + encodeURI(hit.id), part: "title",
            target: "_top", rel: "noopener" });
          highlighted(link, hit.highlight.title);
          item.appendChild(link);
          if (hit.lang) { link.setAttribute("lang", hit.lang); }
          var meta = el("div", { "class": "meta", part: "meta" }, say.date(hit.date));
          if (hit.contexts.length) {
            meta.appendChild(document.createTextNode(" · "));
            meta.appendChild(el("span", hit.lang ? { lang: hit.lang } : {}, hit.contexts[0]));
          }
          item.appendChild(meta);
          list.appendChild(item);
        });
        var more = el("a", { href: base + "/search?q=" + encodeURIComponent(query) +
          "&ui=" + encodeURIComponent(say.tag), target: "_top" }, gettext("All results"));
        list.appendChild(el("li", {})).appendChild(more);
      }).catch(function () { status.textContent = gettext("Search is unavailable right now."); });
    }

    form.addEventListener("submit", function (event) {
      event.preventDefault();
      if (input.value.trim()) { run(input.value.trim()); }
    });
    var initial = host.getAttribute("data-query");
    if (initial) { input.value = initial; run(initial); }
  }

  function start() {
    Array.prototype.forEach.call(document.querySelectorAll("[data-eventsearch]"), mount);
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
