// The room's live pages (screen, phone, console): count the speaker's time down and apply
// the server's live updates (Server-Sent Events) to the page's live part.
(function () {
  "use strict";
  var main = document.querySelector("[data-events]");
  var offset = 0; // server clock minus this browser's, measured at each update

  function measure() {
    var live = document.querySelector("[data-now]");
    var now = live && Date.parse(live.getAttribute("data-now"));
    if (now) { offset = now - Date.now(); }
  }

  function two(n) { return (n < 10 ? "0" : "") + n; }

  function tick() {
    var timers = document.querySelectorAll("[data-testid=timer][data-deadline]");
    for (var i = 0; i < timers.length; i++) {
      var timer = timers[i];
      var left = Math.floor((Date.parse(timer.getAttribute("data-deadline")) - (Date.now() + offset)) / 1000);
      var over = left < 0;
      var s = Math.abs(left);
      timer.textContent = (over ? (timer.getAttribute("data-over") || "") + " " : "") +
        two(Math.floor(s / 60)) + ":" + two(s % 60);
      timer.classList.toggle("warning", !over && left <= 30);
      timer.classList.toggle("overtime", over);
    }
  }

  var waiting = null; // an update held while someone types in the live part

  function typing(target) {
    var active = document.activeElement;
    return active && target.contains(active) &&
      /^(INPUT|TEXTAREA|SELECT)$/.test(active.tagName) && active.type !== "hidden";
  }

  function apply(html) {
    // the page's live part only (the phone page's other forms stay as they are)
    var target = main.querySelector("[data-live]") || main;
    if (typing(target)) { waiting = html; return; }
    waiting = null;
    target.innerHTML = html;
    measure();
    tick();
  }

  function connect() {
    if (!window.EventSource || !main) { return; }
    var source = new EventSource(main.getAttribute("data-events"));
    source.addEventListener(main.getAttribute("data-event") || "screen", function (event) {
      apply(event.data);
    });
    main.addEventListener("focusout", function () {
      // after the field lost focus (a click elsewhere, a submit): the held update, if any
      setTimeout(function () { if (waiting !== null) { apply(waiting); } }, 0);
    });
  }

  // a form that asks first (ending the session): no inline script, the page's policy
  document.addEventListener("submit", function (event) {
    var question = event.target.getAttribute && event.target.getAttribute("data-confirm");
    if (question && !window.confirm(question)) { event.preventDefault(); }
  });

  measure();
  tick();
  setInterval(tick, 250);
  connect();
})();
