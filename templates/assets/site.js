// Large-text mode (适老化) that persists across pages. No inline script: strict CSP friendly.
(function () {
  var KEY = "gongkai-large-text";
  var root = document.documentElement;
  var stored = null;
  try { stored = window.localStorage.getItem(KEY); } catch (e) { stored = null; }
  if (stored === "1") root.classList.add("large-text");
  document.addEventListener("DOMContentLoaded", function () {
    var button = document.querySelector(".large-text-toggle");
    if (!button) return;
    button.hidden = false;
    button.setAttribute("aria-pressed", root.classList.contains("large-text") ? "true" : "false");
    button.addEventListener("click", function () {
      var on = root.classList.toggle("large-text");
      button.setAttribute("aria-pressed", on ? "true" : "false");
      try { window.localStorage.setItem(KEY, on ? "1" : "0"); } catch (e) { /* private mode */ }
    });
  });
})();

// 复制链接 / 复制引用: the citation is selectable text without JavaScript; with it, one click
// copies. Clipboard access needs a secure context, so a plain-http preview selects the text instead.
(function () {
  function selectText(element) {
    var range = document.createRange();
    range.selectNodeContents(element);
    var selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
  }
  function copy(button) {
    var status = button.parentNode.querySelector(".copy-status");
    var source = button.dataset.copyFrom ? document.getElementById(button.dataset.copyFrom) : null;
    var text = source ? source.textContent.trim() : button.dataset.copy;
    var done = function () { status.textContent = "已复制：" + text; };
    var fallback = function () {
      if (source) selectText(source);
      status.textContent = source ? "已选中引用文字，请按 Ctrl+C 复制。" : "请复制此链接：" + text;
    };
    if (navigator.clipboard && window.isSecureContext) navigator.clipboard.writeText(text).then(done, fallback);
    else fallback();
  }
  document.addEventListener("DOMContentLoaded", function () {
    var actions = document.querySelectorAll(".cite-actions");
    for (var i = 0; i < actions.length; i++) actions[i].hidden = false;
    document.addEventListener("click", function (event) {
      var button = event.target.closest ? event.target.closest(".copy-button") : null;
      if (button) copy(button);
    });
  });
})();
