//! Message catalogues: one TOML file per language in `locales/`, compiled into the binary.
//!
//! English and Welsh cover every catalogued string (a test fails when a Welsh key is missing);
//! the survivor-facing pages are also in Albanian, Vietnamese, Arabic (right to left) and
//! Tigrinya, whose texts await professional review and say so on the page. A missing key falls
//! back to English, then to the key itself, so a page never fails to render.

use std::collections::HashMap;
use std::sync::LazyLock;

use axum::http::{header, HeaderMap};

mod countries;
mod messages;
pub(crate) use countries::{country_name, sorted_countries};
pub(crate) use messages::{field_message_lang, refusal_message, transition_message};

/// A language the pages can be shown in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Locale {
    En,
    Cy,
    Sq,
    Vi,
    Ar,
    Ti,
}

impl Locale {
    /// Every language, English first.
    pub const ALL: [Locale; 6] = [Locale::En, Locale::Cy, Locale::Sq, Locale::Vi, Locale::Ar, Locale::Ti];

    /// The BCP 47 code, for `lang` attributes and `?lang=`.
    pub fn code(self) -> &'static str {
        match self {
            Locale::En => "en",
            Locale::Cy => "cy",
            Locale::Sq => "sq",
            Locale::Vi => "vi",
            Locale::Ar => "ar",
            Locale::Ti => "ti",
        }
    }
    /// Text direction, for the `dir` attribute.
    pub fn dir(self) -> &'static str {
        if self == Locale::Ar {
            "rtl"
        } else {
            "ltr"
        }
    }
    /// Whether a professional translator has reviewed the catalogue.
    pub fn reviewed(self) -> bool {
        matches!(self, Locale::En | Locale::Cy)
    }
    fn from_code(code: &str) -> Option<Self> {
        let primary = code.trim().split(['-', '_']).next().unwrap_or("").to_ascii_lowercase();
        Self::ALL.into_iter().find(|l| l.code() == primary)
    }
    fn source(self) -> &'static str {
        match self {
            Locale::En => include_str!("../locales/en.toml"),
            Locale::Cy => include_str!("../locales/cy.toml"),
            Locale::Sq => include_str!("../locales/sq.toml"),
            Locale::Vi => include_str!("../locales/vi.toml"),
            Locale::Ar => include_str!("../locales/ar.toml"),
            Locale::Ti => include_str!("../locales/ti.toml"),
        }
    }
    /// The country names (`country.XX`), generated from CLDR by `scripts/cldr-countries.py`.
    fn countries(self) -> &'static str {
        match self {
            Locale::En => include_str!("../locales/countries/en.toml"),
            Locale::Cy => include_str!("../locales/countries/cy.toml"),
            Locale::Sq => include_str!("../locales/countries/sq.toml"),
            Locale::Vi => include_str!("../locales/countries/vi.toml"),
            Locale::Ar => include_str!("../locales/countries/ar.toml"),
            Locale::Ti => include_str!("../locales/countries/ti.toml"),
        }
    }
    /// The language's name in itself, for the language switcher.
    pub fn native_name(self) -> String {
        t(self, "language.name")
    }
}

type Catalogue = HashMap<String, String>;

fn flatten(prefix: &str, table: &toml::Table, out: &mut Catalogue) {
    for (k, v) in table {
        let key = if prefix.is_empty() { k.clone() } else { format!("{prefix}.{k}") };
        match v {
            toml::Value::Table(t) => flatten(&key, t, out),
            toml::Value::String(s) => {
                out.insert(key, s.clone());
            }
            other => {
                out.insert(key, other.to_string());
            }
        }
    }
}

fn parse(locale: Locale) -> Catalogue {
    // The catalogues are compiled in; a syntax error is caught by the tests below.
    let mut out = Catalogue::new();
    for source in [locale.source(), locale.countries()] {
        let table: toml::Table = toml::from_str(source).unwrap_or_default();
        flatten("", &table, &mut out);
    }
    out
}

static CATALOGUES: LazyLock<Vec<(Locale, Catalogue)>> =
    LazyLock::new(|| Locale::ALL.into_iter().map(|l| (l, parse(l))).collect());

fn lookup(locale: Locale, key: &str) -> Option<&'static str> {
    CATALOGUES.iter().find(|(l, _)| *l == locale).and_then(|(_, c)| c.get(key)).map(String::as_str)
}

/// The text for `key` in `locale`, falling back to English, then to the key.
pub(crate) fn t(locale: Locale, key: &str) -> String {
    lookup(locale, key).or_else(|| lookup(Locale::En, key)).unwrap_or(key).to_string()
}

/// The text for `key` with `{name}` placeholders filled in.
pub(crate) fn tf(locale: Locale, key: &str, args: &[(&str, &str)]) -> String {
    let mut text = t(locale, key);
    for (name, value) in args {
        text = text.replace(&format!("{{{name}}}"), value);
    }
    text
}

/// A sentence with one value set apart, for `<bdi>`: the text before the value, the value
/// and the text after it. Pages write `{{ s.before }}<bdi>{{ s.value }}</bdi>{{ s.after }}` so
/// that a case reference keeps its own direction inside right-to-left text.
pub(crate) struct Isolated {
    pub before: String,
    pub value: String,
    pub after: String,
}

/// The text for `key` in `locale` with its `{name}` placeholder set apart as an [`Isolated`]
/// value (the whole text before it when the catalogue has no such placeholder).
pub(crate) fn isolated(locale: Locale, key: &str, name: &str, value: &str) -> Isolated {
    let text = t(locale, key);
    let (before, after) = text.split_once(&format!("{{{name}}}")).unwrap_or((&text, ""));
    Isolated { before: before.to_string(), value: value.to_string(), after: after.to_string() }
}

tokio::task_local! {
    /// The language negotiated for the request being served, set by [`choose_language`].
    static PAGE_LOCALE: Locale;
}

/// The request's language among all six (survivor pages offer every one).
pub(crate) fn current() -> Locale {
    PAGE_LOCALE.try_with(|l| *l).unwrap_or(Locale::En)
}

/// The request's language for staff pages, which are in English and Welsh only.
pub(crate) fn staff() -> Locale {
    if current() == Locale::Cy {
        Locale::Cy
    } else {
        Locale::En
    }
}

/// The staff-page text for `key`.
pub(crate) fn tr(key: &str) -> String {
    t(staff(), key)
}

/// The staff-page text for `key`, or `None` when no catalogue has it (the monitoring report
/// then keeps its built-in English).
pub(crate) fn staff_lookup(key: &str) -> Option<String> {
    lookup(staff(), key).or_else(|| lookup(Locale::En, key)).map(str::to_string)
}

/// The staff-page text for `key` with `{name}` placeholders filled in.
pub(crate) fn trf(key: &str, args: &[(&str, &str)]) -> String {
    tf(staff(), key, args)
}

/// A domain enum's label in the staff page's language: the key `{prefix}.{code}`, named after
/// the stable code, falling back to the English label from `sg-domain`.
pub(crate) fn label<C: sg_domain::Coded>(prefix: &str, value: C) -> String {
    coded_label(prefix, value.code(), value.label())
}

/// Like [`label`], from a code and its English label.
pub(crate) fn coded_label(prefix: &str, code: &str, english: &str) -> String {
    let key = format!("{prefix}.{code}");
    lookup(staff(), &key).or_else(|| lookup(Locale::En, &key)).unwrap_or(english).to_string()
}

/// Middleware: negotiates the request's language (`?lang=`, cookie, `Accept-Language`), serves
/// the request with it, and remembers a `?lang=` choice in a cookie.
pub(crate) async fn choose_language(
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    let query_lang = request
        .uri()
        .query()
        .and_then(|q| form_urlencoded::parse(q.as_bytes()).find(|(k, _)| k == "lang").map(|(_, v)| v.into_owned()));
    let (locale, cookie) = negotiate(query_lang.as_deref(), request.headers(), &Locale::ALL);
    let mut response = PAGE_LOCALE.scope(locale, next.run(request)).await;
    if let Some(value) = cookie.and_then(|c| c.parse().ok()) {
        response.headers_mut().append(header::SET_COOKIE, value);
    }
    response
}

/// The cookie that remembers a language chosen with `?lang=`.
pub(crate) const COOKIE: &str = "safeguard-lang";

/// The page's language among `offered`: `?lang=`, then the cookie, then `Accept-Language`
/// (in the order given; weights are not needed for a handful of languages), then English.
/// Also returns the `Set-Cookie` value when `?lang=` chose one.
pub(crate) fn negotiate(query_lang: Option<&str>, headers: &HeaderMap, offered: &[Locale]) -> (Locale, Option<String>) {
    let pick = |code: &str| Locale::from_code(code).filter(|l| offered.contains(l));
    if let Some(l) = query_lang.and_then(pick) {
        return (l, Some(format!("{COOKIE}={}; Path=/; SameSite=Lax; Max-Age=31536000", l.code())));
    }
    if let Some(l) = crate::extract::cookie_token(headers, COOKIE).as_deref().and_then(pick) {
        return (l, None);
    }
    let accept = headers.get(header::ACCEPT_LANGUAGE).and_then(|v| v.to_str().ok()).unwrap_or("");
    let chosen = accept.split(',').filter_map(|part| pick(part.split(';').next().unwrap_or(""))).next();
    (chosen.unwrap_or(Locale::En), None)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_catalogue_parses_and_welsh_has_every_english_key() {
        let en = parse(Locale::En);
        assert!(en.len() > 40, "the English catalogue is missing or empty");
        for l in Locale::ALL {
            assert!(!parse(l).is_empty(), "{} does not parse", l.code());
        }
        let cy = parse(Locale::Cy);
        let missing: Vec<&String> = en.keys().filter(|k| !cy.contains_key(*k)).collect();
        assert!(missing.is_empty(), "missing in cy.toml: {missing:?}");
        let extra: Vec<&String> = cy.keys().filter(|k| !en.contains_key(*k)).collect();
        assert!(extra.is_empty(), "in cy.toml but not en.toml: {extra:?}");
        let untranslated: Vec<&String> =
            en.keys().filter(|k| !en[*k].trim().is_empty() && cy[*k].trim().is_empty()).collect();
        assert!(untranslated.is_empty(), "empty in cy.toml: {untranslated:?}");
    }

    /// The catalogue sections the survivor's pages use; the staff pages' sections are in
    /// English and Welsh only.
    const SURVIVOR_SECTIONS: [&str; 8] =
        ["language", "frame", "survivor", "category", "purpose", "what", "who", "role"];

    #[test]
    fn the_survivor_languages_cover_the_survivor_pages() {
        let en = parse(Locale::En);
        let survivor_key = |k: &&String| SURVIVOR_SECTIONS.contains(&k.split('.').next().unwrap_or(""));
        for l in [Locale::Sq, Locale::Vi, Locale::Ar, Locale::Ti] {
            let c = parse(l);
            let missing: Vec<&String> = en.keys().filter(survivor_key).filter(|k| !c.contains_key(*k)).collect();
            assert!(missing.is_empty(), "missing in {}.toml: {missing:?}", l.code());
        }
    }

    #[test]
    fn the_survivor_pages_are_not_english_in_the_survivor_languages() {
        let en = parse(Locale::En);
        // A sentence, not a format or a name: what a person reads.
        let sentence = |k: &&String| {
            ["survivor", "what", "why"].contains(&k.split('.').next().unwrap_or("")) && en[*k].contains(' ')
        };
        for l in [Locale::Sq, Locale::Vi, Locale::Ar, Locale::Ti] {
            let c = parse(l);
            let english: Vec<&String> = en.keys().filter(sentence).filter(|k| c.get(*k) == en.get(*k)).collect();
            assert!(english.is_empty(), "English in {}.toml: {english:?}", l.code());
        }
    }

    #[test]
    fn the_language_is_chosen_by_query_then_cookie_then_header() {
        let mut h = HeaderMap::new();
        h.insert(header::ACCEPT_LANGUAGE, "fr-FR, cy;q=0.8, en;q=0.5".parse().unwrap());
        assert_eq!(negotiate(None, &h, &Locale::ALL).0, Locale::Cy);
        assert_eq!(negotiate(Some("ar"), &h, &Locale::ALL).0, Locale::Ar);
        assert_eq!(
            negotiate(Some("ar"), &h, &[Locale::En, Locale::Cy]).0,
            Locale::Cy,
            "Arabic is offered on survivor pages only"
        );
        h.insert(header::COOKIE, format!("{COOKIE}=vi").parse().unwrap());
        assert_eq!(negotiate(None, &h, &Locale::ALL).0, Locale::Vi);
        assert_eq!(Locale::Ar.dir(), "rtl");
        assert_eq!(tf(Locale::En, "survivor.view.until", &[("date", "2027-01-01")]), "until 2027-01-01");
        let r = isolated(Locale::Ar, "survivor.view.reference", "reference", "NRM-1");
        assert_eq!((r.before.as_str(), r.value.as_str()), ("الرقم المرجعي لقضيتك هو ", "NRM-1"));
        assert_eq!(r.after, ".");
    }
}
