//! Dates as people read them, in the page's language: "12 February 2016", "12 Chwefror 2016"
//! (the month names and the order are in each catalogue's `[dates]`), never ISO on a page.

use time::Date;

use crate::i18n::{t, tf, Locale};

/// `date` in words in `locale`.
pub(crate) fn in_words(locale: Locale, date: Date) -> String {
    let month = t(locale, &format!("dates.month.{}", u8::from(date.month())));
    tf(
        locale,
        "dates.format",
        &[("day", &date.day().to_string()), ("month", &month), ("year", &date.year().to_string())],
    )
}

/// `date` in words in the staff page's language (English or Welsh).
pub(crate) fn staff(date: Date) -> String {
    in_words(crate::i18n::staff(), date)
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn dates_are_words_in_each_language() {
        assert_eq!(in_words(Locale::En, date!(2016 - 02 - 12)), "12 February 2016");
        assert_eq!(in_words(Locale::Cy, date!(2016 - 02 - 12)), "12 Chwefror 2016");
        assert_eq!(in_words(Locale::Vi, date!(2016 - 02 - 12)), "ngày 12 tháng 2 năm 2016");
        assert_eq!(staff(date!(2016 - 02 - 01)), "1 February 2016");
    }
}
