//! The report's own words (headings, column headings, the indicators' titles), in English by
//! default or looked up in a caller's catalogue, so that the command-line report stays English
//! and the monitoring page speaks the page's language. `sg-report` knows no catalogue: the
//! caller passes a lookup from a key (`report.period`, `report.indicator.referrals.title`, ...)
//! to its text, and a missing key keeps the English.

/// A lookup of the report's words.
pub struct Words<'a> {
    lookup: &'a dyn Fn(&str) -> Option<String>,
    lang: &'static str,
}

fn none(_: &str) -> Option<String> {
    None
}

impl Words<'static> {
    /// The English words, built in.
    pub fn english() -> Self {
        Words { lookup: &none, lang: "en" }
    }
}

impl<'a> Words<'a> {
    /// Words from `lookup`, for a page in language `lang` (a BCP 47 code).
    pub fn new(lang: &'static str, lookup: &'a dyn Fn(&str) -> Option<String>) -> Self {
        Words { lookup, lang }
    }

    /// The text for `key`, else `english`.
    pub fn t(&self, key: &str, english: &str) -> String {
        (self.lookup)(key).unwrap_or_else(|| english.to_string())
    }

    /// The text for `key`, if the lookup has it.
    pub fn get(&self, key: &str) -> Option<String> {
        (self.lookup)(key)
    }

    /// Like [`Words::t`], with `{name}` placeholders filled in.
    pub fn tf(&self, key: &str, english: &str, args: &[(&str, String)]) -> String {
        let mut text = self.t(key, english);
        for (name, value) in args {
            text = text.replace(&format!("{{{name}}}"), value);
        }
        text
    }

    /// Whether the words are English: text the catalogue does not cover (definitions,
    /// findings, category names) is then marked `lang="en"` on a page in another language.
    pub fn is_english(&self) -> bool {
        self.lang == "en"
    }
}

/// The report's fixed labels (the template's words).
#[derive(Debug, Clone)]
pub struct Labels {
    /// "Period".
    pub period: String,
    /// "Disclosure control".
    pub disclosure: String,
    /// "Indicators" (the contents' label).
    pub indicators: String,
    /// "not available" (beside a title in the contents).
    pub not_available_short: String,
    /// "The claim it serves".
    pub claim: String,
    /// "Disparities".
    pub disparities: String,
    /// "source".
    pub source: String,
    /// "Not available".
    pub not_available: String,
}

impl Labels {
    pub(crate) fn of(w: &Words<'_>) -> Labels {
        Labels {
            period: w.t("report.period", "Period"),
            disclosure: w.t("report.disclosure", "Disclosure control"),
            indicators: w.t("report.indicators", "Indicators"),
            not_available_short: w.t("report.not_available_short", "not available"),
            claim: w.t("report.claim", "The claim it serves"),
            disparities: w.t("report.disparities", "Disparities"),
            source: w.t("report.source", "source"),
            not_available: w.t("report.not_available", "Not available"),
        }
    }
}
