/* The unspin web page: send the article to /v1/analyze and show the server-rendered, escaped
   report. Text from the user only ever goes into textContent or request bodies. */
(function () {
  "use strict";
  var form = document.getElementById("analyze-form");
  var status = document.getElementById("status");
  var result = document.getElementById("result");
  var drop = document.getElementById("drop");
  var fileInput = document.getElementById("file");
  var fileName = document.getElementById("file-name");
  var tokenRow = document.getElementById("token-row");
  var tokenInput = document.getElementById("token");
  var button = document.getElementById("analyze");
  var file = null; // {kind: "html"|"text", content: string}

  function say(message, isError) {
    status.textContent = message;
    status.className = isError ? "error" : "";
  }

  function readFile(f) {
    if (!f) { return; }
    var isHtml = /\.html?$/i.test(f.name) || f.type === "text/html";
    var isText = /\.txt$/i.test(f.name) || f.type === "text/plain";
    if (!isHtml && !isText) { say("Only .html and .txt files can be analysed.", true); return; }
    var reader = new FileReader();
    reader.onload = function () {
      file = {kind: isHtml ? "html" : "text", content: String(reader.result)};
      fileName.textContent = " " + f.name + " (" + Math.round(f.size / 1024) + " KB) will be analysed";
    };
    reader.readAsText(f);
  }

  drop.addEventListener("click", function () { fileInput.click(); });
  drop.addEventListener("keydown", function (ev) {
    if (ev.key === "Enter" || ev.key === " ") { ev.preventDefault(); fileInput.click(); }
  });
  fileInput.addEventListener("change", function () { readFile(fileInput.files[0]); });
  ["dragenter", "dragover"].forEach(function (name) {
    drop.addEventListener(name, function (ev) { ev.preventDefault(); drop.classList.add("over"); });
  });
  ["dragleave", "drop"].forEach(function (name) {
    drop.addEventListener(name, function (ev) { ev.preventDefault(); drop.classList.remove("over"); });
  });
  drop.addEventListener("drop", function (ev) {
    if (ev.dataTransfer && ev.dataTransfer.files.length) { readFile(ev.dataTransfer.files[0]); }
  });

  form.addEventListener("submit", function (ev) {
    ev.preventDefault();
    var title = document.getElementById("title").value;
    var text = document.getElementById("article").value;
    var body = {};
    if (file && !text.trim()) {
      body[file.kind] = file.content;
    } else {
      body.text = text;
    }
    if (title.trim()) { body.title = title; }
    if (!body.text && !body.html) { say("Paste an article or drop a file first.", true); return; }
    var headers = {"Content-Type": "application/json"};
    if (tokenInput.value) { headers.Authorization = "Bearer " + tokenInput.value; }
    button.disabled = true;
    say("Analysing…", false);
    fetch("/v1/analyze?format=html", {method: "POST", headers: headers, body: JSON.stringify(body)})
      .then(function (response) {
        if (response.ok) { return response.text().then(function (html) { return {html: html}; }); }
        return response.json().catch(function () { return {}; }).then(function (err) {
          if (response.status === 401) { tokenRow.hidden = false; tokenInput.focus(); }
          throw new Error(err.detail || ("The server answered " + response.status));
        });
      })
      .then(function (data) {
        // The fragment is rendered and escaped by the server; the page's CSP forbids inline script.
        result.innerHTML = data.html;
        var report = result.querySelector("[data-unspin-report]");
        if (report && window.unspinInit) { window.unspinInit(report); }
        say("Done.", false);
        var heading = result.querySelector("h1");
        if (heading) { heading.setAttribute("tabindex", "-1"); heading.focus(); }
      })
      .catch(function (error) { say(error.message, true); })
      .then(function () { button.disabled = false; });
  });
})();
