//! The page's style sheet, embedded in its `<style>` element: no font, no picture and no
//! file from elsewhere.

/// The CSS of the page.
pub(crate) const STYLE: &str = "body{font-family:system-ui,-apple-system,'Segoe UI',Roboto,Helvetica,Arial,sans-serif;margin:2em auto;max-width:1100px;padding:0 1em;color:#222;background:#fff}\
h1{margin-bottom:.2em}h2{border-bottom:1px solid #ccc;padding-bottom:.2em;margin-top:2em}\
dl.summary{display:grid;grid-template-columns:max-content auto;gap:.2em 1em}dl.summary dt{font-weight:600}\
.note{color:#555;font-size:.9em}.redaction{padding:.5em .8em;background:#fff4e5;border-left:4px solid #e65100}\
.redaction.redacted{background:#e8f5e9;border-left-color:#2e7d32}.empty{font-size:1.2em;padding:1em;background:#f5f5f5}\
svg.chart{display:block;margin:.5em 0 1em;font-size:12px;max-width:100%;height:auto}svg.chart text{fill:#222}\
table{border-collapse:collapse;font-size:.85em;width:100%}th,td{border:1px solid #ddd;padding:.25em .5em;text-align:left;vertical-align:top}\
th{background:#f0f0f0}.path{font-family:ui-monospace,Menlo,Consolas,monospace;overflow-wrap:anywhere}#cases td.path{min-width:18ch}\
code{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:.92em;background:#f3f3f3;padding:0 .2em;border-radius:3px}\
nav{margin:.8em 0;font-size:.9em;line-height:1.8}\
form.filters{display:flex;flex-wrap:wrap;gap:.4em 1em;align-items:center;margin:.6em 0;padding:.5em;background:#f7f7f7;border:1px solid #e0e0e0}\
form.filters label{font-size:.9em}form.filters select{max-width:16em}\
table.sortable th[data-sort]{cursor:pointer;white-space:nowrap}table.sortable th[data-sort]::after{content:' \\2195';color:#999}\
table.sortable th[aria-sort=descending]::after{content:' \\2193';color:#222}table.sortable th[aria-sort=ascending]::after{content:' \\2191';color:#222}\
tr[hidden],section[hidden]{display:none}.mismatch{color:#b71c1c;font-weight:600}\
section.case{border-top:2px solid #ddd;margin-top:1.5em;padding-top:.3em}section.case h3{margin:.4em 0}\
section.case ul{margin:.2em 0;padding-left:1.2em}table.findings{margin:.5em 0}\
.pictures{display:flex;flex-wrap:wrap;gap:1em;align-items:flex-start}.pictures figure{margin:0;flex:1 1 calc(50% - .5em);min-width:min(100%,20em)}\
.pictures img{display:block;max-width:100%;height:auto;border:1px solid #ccc}figcaption{font-size:.85em;color:#555}\
.unreachable{padding:.4em .8em;background:#fff4e5;border-left:4px solid #e65100}.top{font-size:.85em}.top a{margin-right:1.2em}\
.sev-high{color:#b71c1c;font-weight:600}.sev-medium{color:#e65100}footer{margin-top:3em;color:#777;font-size:.85em}";
