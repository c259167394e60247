// The session page's meeting recordings: the upload is sent by XMLHttpRequest so that its
// progress shows on a <progress> bar (without this script the form is a plain post), and
// the recordings' states are polled while one of them is unfinished.
(function () {
  "use strict";
  var POLL_MS = 2000;
  var list = document.querySelector("[data-poll]");
  var form = document.querySelector("[data-testid=upload-form]");
  var timer = null;

  function render(recordings) {
    var unfinished = false;
    while (list.firstChild) { list.removeChild(list.firstChild); }
    recordings.forEach(function (r) {
      var item = document.createElement("li");
      item.setAttribute("data-job", r.job);
      item.setAttribute("data-state", r.state);
      item.textContent = r.text;
      list.appendChild(item);
      unfinished = unfinished || r.state === "waiting" || r.state === "transcribing";
    });
    return unfinished;
  }

  function poll() {
    // each poll keeps the login alive: stop once nothing is left to watch
    if (timer !== null) { clearTimeout(timer); timer = null; }
    var request = new XMLHttpRequest();
    request.open("GET", list.getAttribute("data-poll"));
    request.setRequestHeader("Accept", "application/json");
    request.onload = function () {
      var data = null;
      try { data = JSON.parse(request.responseText); } catch (e) { return; }
      if (request.status === 200 && data && render(data.recordings)) {
        timer = setTimeout(poll, POLL_MS);
      }
    };
    request.send();
  }

  function send(event) {
    var input = form.querySelector("input[type=file]");
    var file = input.files && input.files[0];
    if (!file) { return; } // the browser says the field is required
    event.preventDefault();
    var bar = form.querySelector("progress");
    var message = form.querySelector("[data-testid=upload-message]");
    var button = form.querySelector("button");
    if (file.size > Number(form.getAttribute("data-max-bytes"))) {
      message.textContent = form.getAttribute("data-too-large");
      return;
    }
    var request = new XMLHttpRequest();
    request.open("POST", form.action);
    request.setRequestHeader("Accept", "application/json");
    request.upload.addEventListener("progress", function (e) {
      if (e.lengthComputable) { bar.value = Math.floor(e.loaded * 100 / e.total); }
    });
    request.onload = function () {
      var data = {};
      try { data = JSON.parse(request.responseText); } catch (e) { data = {}; }
      button.disabled = false;
      if (request.status === 201) {
        bar.value = 100;
        message.textContent = form.getAttribute("data-sent");
        input.value = "";
        poll();
      } else {
        message.textContent = data.error || form.getAttribute("data-failed");
      }
    };
    request.onerror = function () {
      button.disabled = false;
      message.textContent = form.getAttribute("data-failed");
    };
    bar.hidden = false;
    bar.value = 0;
    button.disabled = true;
    message.textContent = form.getAttribute("data-sending");
    request.send(new FormData(form));
  }

  if (form && window.FormData) { form.addEventListener("submit", send); }
  if (list && list.querySelector("[data-state=waiting],[data-state=transcribing]")) {
    timer = setTimeout(poll, POLL_MS);
  }
})();
