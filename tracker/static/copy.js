// The copy button: shown only where the clipboard works; without JavaScript the link stays
// selectable text.
document.querySelectorAll("button.copy").forEach(function (button) {
  if (!navigator.clipboard) return;
  button.hidden = false;
  button.addEventListener("click", function () {
    var source = document.getElementById(button.dataset.copy);
    navigator.clipboard.writeText(source.value).then(function () {
      button.textContent = button.dataset.done || "Скопировано";
    });
  });
});
