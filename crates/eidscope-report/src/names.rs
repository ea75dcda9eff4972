//! How the page names bundles: relative to the folder that every bundle it lists shares (the
//! scanned folder, as the paths were given to `scan`), so that the triage table, the case
//! headings and the linked groups show `bundle-00012.zip` or `2026-05/bundle-00012.zip`
//! rather than the same long folder again and again. The full path stays on the page: the
//! header names the shared folder once, and every shortened name carries its full path in a
//! `title` attribute. Paths are only cut at a `/`, never inside a name; every piece written
//! is escaped. Commands the page suggests (`eidscope overlay PATH`) keep the full path.

use crate::data::ReportData;
use crate::html::escape;

/// The folder the listed bundles share, and the names relative to it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(crate) struct Names {
    /// The shared folder with its trailing `/`, or empty when the bundles share none (or only
    /// the root).
    base: String,
}

impl Names {
    /// The longest folder (ending in `/`) that starts every path; empty when there is none,
    /// or when it is the root alone.
    pub(crate) fn shared<'a>(paths: impl IntoIterator<Item = &'a str>) -> Names {
        let mut base: Option<&str> = None;
        for path in paths {
            let folder = &path[..path.rfind('/').map_or(0, |k| k + 1)];
            let mut shared = base.unwrap_or(folder);
            while !folder.starts_with(shared) {
                // Drop the last folder of `shared` (it ends in `/`).
                let end = shared[..shared.len() - 1].rfind('/').map_or(0, |k| k + 1);
                shared = &shared[..end];
            }
            base = Some(shared);
        }
        let base = base.unwrap_or_default();
        Names {
            base: if base == "/" {
                String::new()
            } else {
                base.to_owned()
            },
        }
    }

    /// The names of the page: the folder shared by its cases and the bundles of its linked
    /// groups.
    pub(crate) fn of(data: &ReportData) -> Names {
        Names::shared(
            data.cases.iter().map(|c| c.path.as_str()).chain(
                data.links
                    .iter()
                    .flat_map(|l| l.paths.iter().map(String::as_str)),
            ),
        )
    }

    /// The shared folder (with its trailing `/`), if any.
    pub(crate) fn base(&self) -> Option<&str> {
        (!self.base.is_empty()).then_some(self.base.as_str())
    }

    /// `path` without the shared folder.
    pub(crate) fn short<'a>(&self, path: &'a str) -> &'a str {
        path.strip_prefix(self.base.as_str()).unwrap_or(path)
    }

    /// The short name, escaped, wrapping after its slashes rather than inside a name.
    pub(crate) fn html(&self, path: &str) -> String {
        escape(self.short(path)).replace('/', "/<wbr>")
    }

    /// A ` title="FULL PATH"` attribute (with its leading space), escaped.
    pub(crate) fn title(&self, path: &str) -> String {
        format!(" title=\"{}\"", escape(path))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn base(paths: &[&str]) -> Option<String> {
        Names::shared(paths.iter().copied())
            .base()
            .map(str::to_owned)
    }

    #[test]
    fn the_shared_folder_is_cut_at_slashes_only() {
        assert_eq!(
            base(&["/tmp/x/bundles/a.zip", "/tmp/x/bundles/b.zip"]).as_deref(),
            Some("/tmp/x/bundles/")
        );
        assert_eq!(
            base(&["/tmp/x/bundles/may/a.zip", "/tmp/x/bundles/june/b.zip"]).as_deref(),
            Some("/tmp/x/bundles/")
        );
        // `/data/batch1/` and `/data/batch10/` share `/data/`, not `/data/batch1`.
        assert_eq!(
            base(&["/data/batch1/a.zip", "/data/batch10/b.zip"]).as_deref(),
            Some("/data/")
        );
        assert_eq!(
            base(&["bundles/a.zip", "bundles/b.zip"]).as_deref(),
            Some("bundles/")
        );
        // Nothing shared, only the root, a bare name, no path at all: full paths.
        assert_eq!(base(&["a/x.zip", "b/y.zip"]), None);
        assert_eq!(base(&["/a/x.zip", "/b/y.zip"]), None);
        assert_eq!(base(&["/a/x.zip", "y.zip"]), None);
        assert_eq!(base(&[]), None);
    }

    #[test]
    fn short_names_keep_the_full_path_in_their_title() {
        let names = Names::shared(["/tmp/b/may/a.zip", "/tmp/b/b\".zip"]);
        assert_eq!(names.short("/tmp/b/may/a.zip"), "may/a.zip");
        assert_eq!(names.html("/tmp/b/may/a.zip"), "may/<wbr>a.zip");
        assert_eq!(names.html("/tmp/b/b\".zip"), "b&quot;.zip");
        assert_eq!(
            names.title("/tmp/b/b\".zip"),
            " title=\"/tmp/b/b&quot;.zip\""
        );
        // A path outside the folder (never listed, but never cut either).
        assert_eq!(names.short("/elsewhere/c.zip"), "/elsewhere/c.zip");
    }
}
