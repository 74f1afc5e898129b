/* eventsearch widget: <div data-eventsearch></div> + <script src="https://HOST/embed.js" async></script>
   Everything lives in a shadow root, so no style leaks in or out; the host page can
   restyle through CSS custom properties (--es-accent, --es-font, --es-text, --es-muted,
   --es-bg, --es-border) and ::part(form|input|button|results|item|title|meta). */
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script) { return; }
  var base = new URL(script.src, document.baseURI).origin;
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
    var form = el("form", { part: "form", role: "search" });
    var label = el("label", { "for": "q", hidden: "" }, "Search news events");
    var input = el("input", { id: "q", type: "search", part: "input", name: "q",
      placeholder: host.getAttribute("data-placeholder") || "Search news events" });
    var button = el("button", { type: "submit", part: "button" }, "Search");
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
      status.textContent = "Searching…";
      fetch(url, { credentials: "omit" }).then(function (response) {
        return response.json().then(function (body) { return { ok: response.ok, body: body }; });
      }).then(function (answer) {
        list.textContent = "";
        if (!answer.ok) { status.textContent = answer.body.detail || "Search failed"; return; }
        var body = answer.body;
        status.textContent = body.total.toLocaleString() + " events" +
          (body.corrected_from ? " (showing results for “" + body.did_you_mean + "”)" : "");
        body.hits.forEach(function (hit) {
          var item = el("li", { part: "item" });
          var link = el("a", { href: base + "/events/" + encodeURI(hit.id), part: "title",
            target: "_top", rel: "noopener" });
          highlighted(link, hit.highlight.title);
          item.appendChild(link);
          item.appendChild(el("div", { "class": "meta", part: "meta" },
            hit.date + (hit.contexts.length ? " · " + hit.contexts[0] : "")));
          list.appendChild(item);
        });
        var more = el("a", { href: base + "/search?q=" + encodeURIComponent(query), target: "_top" },
          "All results");
        list.appendChild(el("li", {})).appendChild(more);
      }).catch(function () { status.textContent = "Search is unavailable right now."; });
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
