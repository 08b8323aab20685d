// Draw each chart from its own Vega-Lite spec; below 600 px use the narrow spec when the page has one.
// A profile's chart is a shared template (profile-charts.js) with the page's rows and patches applied.
(function () {
  var NARROW = 600;
  var rows = null;

  function json(id) {
    var tag = document.getElementById(id);
    return tag ? JSON.parse(tag.textContent) : null;
  }

  function assemble(template, patches) {
    var spec = JSON.parse(JSON.stringify(template));
    patches.forEach(function (patch) {
      var path = patch[0], node = spec;
      for (var i = 0; i < path.length - 1; i++) node = node[path[i]];
      node[path[path.length - 1]] = patch[1];
    });
    rows = rows || json("profile-data") || {};
    spec.datasets = Object.assign({}, spec.datasets || {}, rows);
    return spec;
  }

  function specs(box, id) {
    var name = box.getAttribute("data-template");
    if (!name) return {full: json(id + "-full"), narrow: json(id + "-narrow")};
    var templates = window.CSC_TEMPLATES[name], patches = json(id + "-patches");
    return {full: assemble(templates.full, patches.full),
            narrow: templates.narrow ? assemble(templates.narrow, patches.narrow) : null};
  }

  document.querySelectorAll("[data-chart]").forEach(function (box) {
    var id = box.getAttribute("data-chart");
    var both = specs(box, id);
    var target = box.querySelector(".vis");
    var drawn = null;
    function draw() {
      var want = both.narrow && box.clientWidth < NARROW ? "narrow" : "full";
      if (want === drawn) return;
      drawn = want;
      vegaEmbed(target, want === "narrow" ? both.narrow : both.full, {renderer: "svg", actions: false})
        .then(function () {
          // vega-embed marks its container as a graphics document: the wrapper is the one image.
          [target].concat(Array.prototype.slice.call(target.querySelectorAll("*"))).forEach(function (el) {
            ["role", "aria-label", "aria-roledescription"].forEach(function (a) { el.removeAttribute(a); });
          });
          box.setAttribute("data-drawn", want);
        })
        .catch(function (err) { console.error(err); });
    }
    draw();
    window.addEventListener("resize", draw);
  });
})();
