// KaTeX's stylesheet and fonts, served with the site. @myst-theme/site links them from a CDN
// (cdn.jsdelivr.net), so offline (and in the tests, which have no network) every formula showed
// twice, as MathML and as unstyled HTML. Copied after `remix build`, which empties public/build;
// app/root.tsx links /myst_assets_folder/katex/katex.min.css, which mystmd's static export maps
// to <base>/build/. katex comes with myst-to-react.
const fs = require('fs');
const path = require('path');
const dist = path.dirname(require.resolve('katex/dist/katex.min.css'));
const target = path.join('public', 'build', 'katex');
fs.mkdirSync(target, { recursive: true });
fs.copyFileSync(path.join(dist, 'katex.min.css'), path.join(target, 'katex.min.css'));
fs.cpSync(path.join(dist, 'fonts'), path.join(target, 'fonts'), { recursive: true });
