//! String codes for the domain's enumerations: one code per variant, used on the API, in the
//! database and in URLs, plus an English label for pages and reports.

/// An enumeration whose variants each have a stable code and an English label.
pub trait Coded: Sized + Copy + 'static {
    /// Every variant, in display order.
    const ALL: &'static [Self];
    /// The stable code (`england-wales`, `labour`, ...).
    fn code(self) -> &'static str;
    /// The English label shown to people.
    fn label(self) -> &'static str;
    /// The variant with this code.
    fn from_code(code: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|v| v.code() == code)
    }
    /// The codes, comma separated, for error messages.
    fn expected() -> String {
        Self::ALL.iter().map(|v| v.code()).collect::<Vec<_>>().join(", ")
    }
}

/// Declares an enumeration with codes and labels, and implements [`Coded`], `Display` (the code)
/// and serde (as the code) for it.
#[macro_export]
macro_rules! coded_enum {
    ($(#[$meta:meta])* $vis:vis enum $name:ident { $($(#[$vmeta:meta])* $variant:ident = ($code:literal, $label:literal)),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        $vis enum $name { $($(#[$vmeta])* $variant),+ }

        impl $crate::wire::Coded for $name {
            const ALL: &'static [Self] = &[$(Self::$variant),+];
            fn code(self) -> &'static str { match self { $(Self::$variant => $code),+ } }
            fn label(self) -> &'static str { match self { $(Self::$variant => $label),+ } }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str($crate::wire::Coded::code(*self))
            }
        }

        impl ::std::str::FromStr for $name {
            type Err = String;
            fn from_str(s: &str) -> Result<Self, String> {
                <Self as $crate::wire::Coded>::from_code(s).ok_or_else(|| {
                    format!("unknown value {:?}; expected one of: {}", s, <Self as $crate::wire::Coded>::expected())
                })
            }
        }

        impl ::serde::Serialize for $name {
            fn serialize<S: ::serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str($crate::wire::Coded::code(*self))
            }
        }

        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<D: ::serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let s = <::std::borrow::Cow<'de, str> as ::serde::Deserialize>::deserialize(d)?;
                s.parse().map_err(::serde::de::Error::custom)
            }
        }
    };
}
