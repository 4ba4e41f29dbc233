// GOV.UK conditional reveals without aria-expanded on the inputs (not allowed on radios and checkboxes by ARIA 1.2,
// so axe flags govuk-frontend's own module): each input with data-aria-controls shows its nested block while it is
// checked. With JavaScript off nothing is hidden (the hidden class only applies under .govuk-frontend-supported).
(function () {
  function sync(container) {
    container.querySelectorAll('input[aria-controls]').forEach(function (input) {
      var block = document.getElementById(input.getAttribute('aria-controls'));
      if (block) {
        block.classList.toggle(block.className.indexOf('govuk-checkboxes__') >= 0
          ? 'govuk-checkboxes__conditional--hidden' : 'govuk-radios__conditional--hidden', !input.checked);
      }
    });
  }
  document.querySelectorAll('[data-svduty-reveal]').forEach(function (container) {
    container.querySelectorAll('input[data-aria-controls]').forEach(function (input) {
      input.setAttribute('aria-controls', input.getAttribute('data-aria-controls'));
      input.removeAttribute('data-aria-controls');
    });
    container.addEventListener('change', function () { sync(container); });
    sync(container);
  });
})();
