/* The admin's agency import form: choosing a file picks its format from the file's
 * extension (each format option carries data-extension), so a CSV is not read as Excel. */
document.addEventListener("change", function (event) {
  var input = event.target;
  if (input.id !== "id_import_file" || !input.files || !input.files.length) return;
  var extension = input.files[0].name.split(".").pop().trim().toLowerCase();
  var select = input.form && input.form.querySelector("#id_format");
  if (!select) return;
  for (var i = 0; i < select.options.length; i++) {
    if (select.options[i].dataset.extension === extension) {
      select.selectedIndex = i;
      return;
    }
  }
});
