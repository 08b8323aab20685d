// Draw each chart from its own Vega-Lite spec; below 600 px use the narrow spec when the page has one.
(function () {
  var NARROW = 600;
  document.querySelectorAll("[data-chart]").forEach(function (box) {
    var id = box.getAttribute("data-chart");
    var full = JSON.parse(document.getElementById(id + "-full").textContent);
    var narrowTag = document.getElementById(id + "-narrow");
    var narrow = narrowTag ? JSON.parse(narrowTag.textContent) : null;
    var target = box.querySelector(".vis");
    var drawn = null;
    function draw() {
      var want = narrow && box.clientWidth < NARROW ? "narrow" : "full";
      if (want === drawn) return;
      drawn = want;
      vegaEmbed(target, want === "narrow" ? narrow : full, {renderer: "svg", actions: false})
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
