// The room's screen: counts the speaker's time down and applies the server's live updates.
(function () {
  "use strict";
  var main = document.getElementById("screen");
  var offset = 0; // server clock minus this browser's, measured at each update

  function measure() {
    var live = document.getElementById("live");
    var now = live && Date.parse(live.getAttribute("data-now"));
    if (now) { offset = now - Date.now(); }
  }

  function two(n) { return (n < 10 ? "0" : "") + n; }

  function tick() {
    var timer = document.querySelector("[data-testid=timer][data-deadline]");
    if (!timer) { return; }
    var left = Math.floor((Date.parse(timer.getAttribute("data-deadline")) - (Date.now() + offset)) / 1000);
    var over = left < 0;
    var s = Math.abs(left);
    timer.textContent = (over ? "超时 " : "") + two(Math.floor(s / 60)) + ":" + two(s % 60);
    timer.classList.toggle("warning", !over && left <= 30);
    timer.classList.toggle("overtime", over);
  }

  function connect() {
    if (!window.EventSource || !main) { return; }
    var source = new EventSource(main.getAttribute("data-events"));
    source.addEventListener("screen", function (event) {
      main.innerHTML = event.data;
      measure();
      tick();
    });
  }

  measure();
  tick();
  setInterval(tick, 250);
  connect();
})();
