//! Country names in the page's language, from the CLDR catalogues in `locales/countries/`.

use sg_domain::countries::{self, COUNTRIES};

use super::{lookup, staff, Locale};

/// The name of the country with ISO code `code` in `locale`: the CLDR name, else the English
/// CLDR name, else the English name from `sg-domain`; `None` for a code not in the table.
pub(crate) fn country_name_in(locale: Locale, code: &str) -> Option<String> {
    let country = countries::by_code(code)?;
    let key = format!("country.{}", country.code);
    Some(lookup(locale, &key).or_else(|| lookup(Locale::En, &key)).unwrap_or(country.name).to_string())
}

/// The name of the country with ISO code `code` in the staff page's language.
pub(crate) fn country_name(code: &str) -> Option<String> {
    country_name_in(staff(), code)
}

/// Every country as `(code, name)` in the staff page's language, sorted by that name.
pub(crate) fn sorted_countries() -> Vec<(&'static str, String)> {
    sorted_in(staff())
}

fn sorted_in(locale: Locale) -> Vec<(&'static str, String)> {
    let mut all: Vec<(&'static str, String)> =
        COUNTRIES.iter().map(|c| (c.code, country_name_in(locale, c.code).unwrap_or_default())).collect();
    all.sort_by_cached_key(|(_, name)| sort_key(locale, name));
    all
}

/// A sort key good enough for a list of names: case and the common Latin accents are ignored,
/// and in Welsh the digraphs (ch, dd, ff, ng, ll, ph, rh, th) are letters of their own that come
/// after their first letter, as in the Welsh alphabet. Other scripts sort by code point.
fn sort_key(locale: Locale, name: &str) -> Vec<u32> {
    let folded: Vec<char> = name.chars().flat_map(char::to_lowercase).map(fold).collect();
    let mut key = Vec::with_capacity(folded.len());
    let mut i = 0;
    while i < folded.len() {
        let c = folded[i];
        let next = folded.get(i + 1).copied();
        let digraph = locale == Locale::Cy
            && matches!(
                (c, next),
                ('c', Some('h'))
                    | ('d', Some('d'))
                    | ('f', Some('f'))
                    | ('n', Some('g'))
                    | ('l', Some('l'))
                    | ('p', Some('h'))
                    | ('r', Some('h'))
                    | ('t', Some('h'))
            );
        // "ng" comes after "g" in Welsh; the others after their first letter.
        let base = if digraph && c == 'n' { 'g' } else { c };
        key.push(u32::from(base) * 2 + u32::from(digraph));
        i += if digraph { 2 } else { 1 };
    }
    key
}

/// The base letter of an accented Latin letter (lower case), for sorting.
fn fold(c: char) -> char {
    match c {
        'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'ā' | 'ă' | 'ą' | 'ạ' | 'ả' | 'ấ' | 'ầ' | 'ẩ' | 'ẫ' | 'ậ' | 'ắ' | 'ằ'
        | 'ẳ' | 'ẵ' | 'ặ' => 'a',
        'ç' | 'ć' | 'č' => 'c',
        'đ' | 'ď' => 'd',
        'è' | 'é' | 'ê' | 'ë' | 'ē' | 'ė' | 'ę' | 'ě' | 'ẹ' | 'ẻ' | 'ẽ' | 'ế' | 'ề' | 'ể' | 'ễ' | 'ệ' => {
            'e'
        }
        'ì' | 'í' | 'î' | 'ï' | 'ī' | 'ĩ' | 'ỉ' | 'ị' => 'i',
        'ñ' | 'ń' | 'ň' => 'n',
        'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' | 'ō' | 'ơ' | 'ọ' | 'ỏ' | 'ố' | 'ồ' | 'ổ' | 'ỗ' | 'ộ' | 'ớ' | 'ờ' | 'ở'
        | 'ỡ' | 'ợ' => 'o',
        'ř' => 'r',
        'ś' | 'š' | 'ş' => 's',
        'ţ' | 'ť' => 't',
        'ù' | 'ú' | 'û' | 'ü' | 'ū' | 'ũ' | 'ů' | 'ư' | 'ụ' | 'ủ' | 'ứ' | 'ừ' | 'ử' | 'ữ' | 'ự' => {
            'u'
        }
        'ŵ' | 'ẁ' | 'ẃ' | 'ẅ' => 'w',
        'ý' | 'ÿ' | 'ŷ' | 'ỳ' | 'ỵ' | 'ỷ' | 'ỹ' => 'y',
        'ź' | 'ż' | 'ž' => 'z',
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_country_has_a_name_in_english_and_welsh() {
        for locale in [Locale::En, Locale::Cy] {
            let missing: Vec<&str> = COUNTRIES
                .iter()
                .filter(|c| lookup(locale, &format!("country.{}", c.code)).is_none())
                .map(|c| c.code)
                .collect();
            assert!(missing.is_empty(), "no {} name for {missing:?}", locale.code());
        }
        assert_eq!(country_name_in(Locale::Cy, "DE").as_deref(), Some("Yr Almaen"));
        assert_eq!(country_name_in(Locale::En, "DE").as_deref(), Some("Germany"));
        assert_eq!(country_name_in(Locale::Cy, "ZZ"), None);
    }

    #[test]
    fn the_names_sort_in_the_pages_language() {
        let position = |list: &[(&str, String)], code: &str| list.iter().position(|(c, _)| *c == code).unwrap();
        let en = sorted_in(Locale::En);
        assert_eq!(en.len(), COUNTRIES.len());
        // Åland Islands sorts with the As, not after Zimbabwe.
        assert!(position(&en, "AX") < position(&en, "BS"));
        let cy = sorted_in(Locale::Cy);
        // "Yr Almaen" (Germany) sorts under Y in Welsh, after Uruguay.
        assert!(position(&cy, "DE") > position(&cy, "UY"));
        // Welsh "ch" is a letter after "c": Chile comes after every other name in C.
        assert!(position(&cy, "CL") > position(&cy, "CU"));
    }
}
