// The event page: "Copy link" and "Share…" for the share block, shown only where the
// browser can do them (the link itself is always there to copy by hand).
(function () {
  "use strict";

  function setUp(block) {
    var url = block.getAttribute("data-share-url");
    var title = block.getAttribute("data-share-title");
    var copy = block.querySelector(".share__copy");
    var native = block.querySelector(".share__native");
    var done = block.querySelector(".share__done");

    if (copy && navigator.clipboard && window.isSecureContext) {
      copy.hidden = false;
      copy.addEventListener("click", function () {
        navigator.clipboard.writeText(url).then(
          function () { done.textContent = "Link copied."; },
          function () { done.textContent = "Copying failed: select the link and copy it."; }
        );
      });
    }
    if (native && navigator.share) {
      native.hidden = false;
      native.addEventListener("click", function () {
        navigator.share({ title: title, url: url }).catch(function () {});
      });
    }
  }

  function init() {
    document.querySelectorAll(".share[data-share-url]").forEach(setUp);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
