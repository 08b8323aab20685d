// The council finder: filters the councils (assets/councils.js, written at build time from the same
// spellings as the project's resolver) as the reader types. Works from file://: no request, no server.
(function () {
  var data = window.CSC_COUNCILS;
  if (!data) return;

  // The resolver's word rules (csc_figures.councils._words): accents off, lower case, '&' is 'and',
  // 'saint' is 'st', anything but letters and digits separates words.
  function words(text) {
    var plain = text.normalize("NFKD").replace(/[\u0300-\u036f]/g, "").toLowerCase().replace(/&/g, " and ");
    return plain.replace(/[^a-z0-9]+/g, " ").trim().split(" ").filter(Boolean)
      .map(function (w) { return w === "saint" ? "st" : w; });
  }

  // A council matches when every typed word starts a word of one of its spellings, or the one word typed is
  // one of its codes or initials; a typed word that only wraps a name ('council', 'borough of') is passed over.
  function matches(council, typed) {
    if (typed.length === 1 && (council.codes.indexOf(typed[0]) >= 0 || council.initials.indexOf(typed[0]) >= 0)) {
      return true;
    }
    return council.keys.some(function (key) {
      var own = key.split(" ");
      function starts(w) { return own.some(function (o) { return o.indexOf(w) === 0; }); }
      var meant = typed.filter(function (w) { return starts(w) || data.wrappers.indexOf(w) < 0; });
      return meant.length > 0 && meant.every(starts);
    });
  }

  document.querySelectorAll("[data-finder]").forEach(function (form) {
    var root = form.getAttribute("data-root");
    var input = form.querySelector("input");
    var count = form.querySelector("[role=status]");
    var list = form.querySelector("ul");
    var shown = [];

    function show() {
      var typed = words(input.value);
      list.textContent = "";
      shown = typed.length ? data.councils.filter(function (c) { return matches(c, typed); }) : [];
      shown.forEach(function (c) {
        var item = document.createElement("li");
        var link = document.createElement("a");
        link.href = root + "/" + c.href;
        link.textContent = c.name;
        item.appendChild(link);
        if (c.note) item.appendChild(document.createTextNode(" (" + c.note + ")"));
        list.appendChild(item);
      });
      count.textContent = !typed.length ? "" : shown.length === 0 ? "No council matches \u201c" + input.value.trim() + "\u201d."
        : shown.length === 1 ? "1 council matches." : shown.length + " councils match.";
    }

    input.addEventListener("input", show);
    form.addEventListener("submit", function (event) {
      event.preventDefault();  // no server: one match opens its profile, several stay listed
      show();
      if (shown.length === 1) window.location.href = root + "/" + shown[0].href;
    });
    form.hidden = false;
  });
})();
