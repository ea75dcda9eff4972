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
th{background:#f0f0f0}td.path{font-family:ui-monospace,Menlo,Consolas,monospace;word-break:break-all}\
.sev-high{color:#b71c1c;font-weight:600}.sev-medium{color:#e65100}footer{margin-top:3em;color:#777;font-size:.85em}";
