// The checks axe-core does not make, run in the page by test_accessibility.py.
// Returns a list of problems; an empty list when all is well.
() => {
  const problems = [];
  const headings = [...document.querySelectorAll('h1, h2, h3, h4, h5, h6')];
  const h1s = headings.filter(h => h.tagName === 'H1');
  if (h1s.length !== 1) problems.push(`${h1s.length} h1 elements`);
  let previous = 0;
  for (const h of headings) {
    const level = Number(h.tagName[1]);
    if (level > previous + 1) {
      problems.push(`heading level skipped: h${previous} then h${level} "${h.textContent.trim()}"`);
    }
    previous = level;
  }
  const count = selector => document.querySelectorAll(selector).length;
  if (count('body > header') !== 1) problems.push('no single banner (body > header)');
  if (count('body > footer') !== 1) problems.push('no single contentinfo (body > footer)');
  if (count('main') !== 1 || !document.querySelector('main#main')) problems.push('no main#main');
  if (!document.querySelector('header nav[aria-label]')) problems.push('no labelled nav');
  const first = document.querySelector('a[href], button, input:not([type=hidden]), select, textarea');
  if (!first || !first.matches('a.skip-link[href="#main"]')) problems.push('skip link is not first');
  if (document.documentElement.lang !== 'nb') problems.push('html lang is not nb');
  // Errors are tied to their fields, and every field in error says so.
  for (const field of document.querySelectorAll('[aria-invalid="true"]')) {
    const ids = (field.getAttribute('aria-describedby') || '').split(/\s+/);
    const error = ids.map(id => document.getElementById(id)).find(e => e && e.matches('.error-message'));
    if (!error) problems.push(`#${field.id} is invalid but no error message describes it`);
  }
  for (const error of document.querySelectorAll('.error-message')) {
    const tied = document.querySelector(`[aria-describedby~="${error.id}"]`);
    if (!tied) problems.push(`error #${error.id} is tied to no field`);
  }
  // Status is told in words, not only by colour or a symbol.
  for (const badge of document.querySelectorAll('.status, .badge, .alert, .position, .error-message')) {
    if (!badge.innerText.trim()) problems.push(`"${badge.className}" has no text`);
  }
  return problems;
}
