// While a new run or estimate is sent (uploading and checking large lists takes a moment), show a
// progress bar and stop a second submission. The work itself then runs in the background; its page
// follows it without JavaScript (a meta refresh).
document.querySelectorAll("form[data-running]").forEach(function (form) {
  form.addEventListener("submit", function () {
    var bar = document.getElementById("running-progress");
    if (bar) { bar.hidden = false; }
    form.querySelectorAll("button[type=submit]").forEach(function (b) { b.disabled = true; b.setAttribute("aria-busy", "true"); });
  });
});
