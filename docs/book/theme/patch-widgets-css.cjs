// Upstream (myst-theme) patches @jupyter-widgets/controls with bun's patchedDependencies
// (patches/@jupyter-widgets%2Fcontrols@5.0.12.patch): Remix's CSS bundler cannot follow the
// two @imports of widgets-base.css, and the build fails. npm has no patch step, so this
// script makes the same edit before `remix build`. It is idempotent.
const fs = require('fs');
const file = require.resolve('@jupyter-widgets/controls/css/widgets-base.css');
const text = fs.readFileSync(file, 'utf8');
const patched = text
  .replace(/^@import '\.\/lumino\.css';$/m, "/* @import './lumino.css'; */")
  .replace(/^@import '\.\/nouislider\.css';$/m, "/* @import './nouislider.css'; */");
if (patched !== text) fs.writeFileSync(file, patched);
