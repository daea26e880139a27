/* Handwriting on a tablet (手写签名): the signer writes with a finger or stylus on the canvas; on
 * submit the strokes become a PNG put into the form's image field, so the server receives and
 * checks it exactly like an uploaded signature image (records.actions.sign). No library: pointer
 * events cover mouse, touch and pen. */
(function () {
  "use strict";

  function setUp(pad) {
    var form = pad.closest("form");
    var canvas = pad.querySelector("canvas");
    var input = form.querySelector('input[type="file"][name="image"]');
    var method = form.querySelector('[name="method"]');
    var status = pad.querySelector("[data-pad-status]");
    var ctx = canvas.getContext("2d");
    var strokes = [], current = null;  // what was written, in CSS pixels, redrawn after a resize

    function pen() { ctx.lineWidth = 2.5; ctx.lineCap = "round"; ctx.lineJoin = "round"; ctx.strokeStyle = ctx.fillStyle = "#111"; }
    function dot(p) { ctx.beginPath(); ctx.arc(p.x, p.y, ctx.lineWidth / 2, 0, 2 * Math.PI); ctx.fill(); }
    function line(a, b) { ctx.beginPath(); ctx.moveTo(a.x, a.y); ctx.lineTo(b.x, b.y); ctx.stroke(); }
    function size() {  // sharp lines on high-density screens; what is written survives a resize or rotation
      var ratio = window.devicePixelRatio || 1, box = canvas.getBoundingClientRect();
      var w = Math.round(box.width * ratio), h = Math.round(box.height * ratio);
      if (!w || !h || (w === canvas.width && h === canvas.height)) return;
      canvas.width = w; canvas.height = h;
      ctx.setTransform(ratio, 0, 0, ratio, 0, 0); pen();
      strokes.forEach(function (s) { dot(s[0]); for (var i = 1; i < s.length; i++) line(s[i - 1], s[i]); });
    }
    function show() { status.textContent = strokes.length ? "已书写，提交时作为签名图像" : "请在框内书写签名"; }
    function point(e) { var b = canvas.getBoundingClientRect(); return {x: e.clientX - b.left, y: e.clientY - b.top}; }

    canvas.addEventListener("pointerdown", function (e) {
      canvas.setPointerCapture(e.pointerId);
      current = [point(e)]; strokes.push(current); dot(current[0]); show(); e.preventDefault();
    });
    canvas.addEventListener("pointermove", function (e) {
      if (!current) return;
      var p = point(e);
      line(current[current.length - 1], p); current.push(p); e.preventDefault();
    });
    ["pointerup", "pointercancel"].forEach(function (t) {
      canvas.addEventListener(t, function () { current = null; });
    });
    pad.querySelector("[data-pad-clear]").addEventListener("click", function () {
      ctx.save(); ctx.setTransform(1, 0, 0, 1, 0, 0); ctx.clearRect(0, 0, canvas.width, canvas.height); ctx.restore();
      strokes = []; show();
    });
    if (method) {  // the pad is for handwriting; other methods upload an image or need none
      var toggle = function () { pad.hidden = method.value !== "handwriting"; };
      method.addEventListener("change", toggle); toggle();
    }

    form.addEventListener("submit", function (e) {
      if (pad.hidden || !strokes.length || (input.files && input.files.length)) return;  // an uploaded image wins
      e.preventDefault();
      canvas.toBlob(function (blob) {
        var files = new DataTransfer();
        files.items.add(new File([blob], "handwriting.png", {type: "image/png"}));
        input.files = files.files;
        form.submit();
      }, "image/png");
    });
    window.addEventListener("resize", size);
    size(); show();
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-signature-pad]").forEach(setUp);
  });
})();
