// While a long estimate or linkage runs, show a progress bar and stop a second submission.
document.querySelectorAll("form[data-running]").forEach(function (form) {
  form.addEventListener("submit", function () {
    var bar = document.getElementById("running-progress");
    if (bar) { bar.hidden = false; }
    form.querySelectorAll("button[type=submit]").forEach(function (b) { b.disabled = true; b.setAttribute("aria-busy", "true"); });
  });
});
