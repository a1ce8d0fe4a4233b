//! ISO 3166-1 alpha-2 countries with the nationality labels used by the Home Office NRM statistics.
//!
//! [`COUNTRIES`] holds the 249 officially assigned ISO 3166-1 alpha-2 codes plus `XK` (Kosovo, a
//! user-assigned code in common use), sorted by code. Each carries the nationality label the Home
//! Office "Modern Slavery: National Referral Mechanism and Duty to Notify statistics" tables use
//! (`Albanian`, `Congolese (DRC)`, `Citizen of Guinea-Bissau`, `UK`, ...). Countries that never
//! appear in those tables carry the usual English demonym in the same style.
//!
//! The statistics write a dual national as two labels joined by a space (`Albanian Greek`) and use
//! `Unknown`, `Not Known` and `Total` for values that are not countries; none of those is a label
//! here. A few spellings in the published tables differ from the usual label (`Congolese (Drc)`,
//! `Citizen of Guinea Bissau`, ...); [`by_nrm_label`] accepts them too, see [`NRM_LABEL_VARIANTS`].

/// One country: its ISO 3166-1 alpha-2 code, English short name, and the nationality label
/// (demonym) the Home Office NRM statistics tables use for its nationals.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Country {
    /// ISO 3166-1 alpha-2 code, upper case, e.g. "AL".
    pub code: &'static str,
    /// English short name, e.g. "Albania".
    pub name: &'static str,
    /// Nationality label as in the NRM statistics, e.g. "Albanian"; the UK is "UK".
    pub nrm_label: &'static str,
}

/// Every country, sorted by code.
#[rustfmt::skip]
pub const COUNTRIES: &[Country] = &[
    Country { code: "AD", name: "Andorra", nrm_label: "Andorran" },
    Country { code: "AE", name: "United Arab Emirates", nrm_label: "Emirati" },
    Country { code: "AF", name: "Afghanistan", nrm_label: "Afghan" },
    Country { code: "AG", name: "Antigua and Barbuda", nrm_label: "Citizen of Antigua and Barbuda" },
    Country { code: "AI", name: "Anguilla", nrm_label: "Anguillan" },
    Country { code: "AL", name: "Albania", nrm_label: "Albanian" },
    Country { code: "AM", name: "Armenia", nrm_label: "Armenian" },
    Country { code: "AO", name: "Angola", nrm_label: "Angolan" },
    Country { code: "AQ", name: "Antarctica", nrm_label: "Antarctic" },
    Country { code: "AR", name: "Argentina", nrm_label: "Argentine" },
    Country { code: "AS", name: "American Samoa", nrm_label: "American Samoan" },
    Country { code: "AT", name: "Austria", nrm_label: "Austrian" },
    Country { code: "AU", name: "Australia", nrm_label: "Australian" },
    Country { code: "AW", name: "Aruba", nrm_label: "Aruban" },
    Country { code: "AX", name: "Åland Islands", nrm_label: "Åland Islander" },
    Country { code: "AZ", name: "Azerbaijan", nrm_label: "Azerbaijani" },
    Country { code: "BA", name: "Bosnia and Herzegovina", nrm_label: "Citizen of Bosnia and Herzegovina" },
    Country { code: "BB", name: "Barbados", nrm_label: "Barbadian" },
    Country { code: "BD", name: "Bangladesh", nrm_label: "Bangladeshi" },
    Country { code: "BE", name: "Belgium", nrm_label: "Belgian" },
    Country { code: "BF", name: "Burkina Faso", nrm_label: "Burkinan" },
    Country { code: "BG", name: "Bulgaria", nrm_label: "Bulgarian" },
    Country { code: "BH", name: "Bahrain", nrm_label: "Bahraini" },
    Country { code: "BI", name: "Burundi", nrm_label: "Burundian" },
    Country { code: "BJ", name: "Benin", nrm_label: "Beninese" },
    Country { code: "BL", name: "Saint Barthélemy", nrm_label: "Barthélemois" },
    Country { code: "BM", name: "Bermuda", nrm_label: "Bermudian" },
    Country { code: "BN", name: "Brunei Darussalam", nrm_label: "Bruneian" },
    Country { code: "BO", name: "Bolivia", nrm_label: "Bolivian" },
    Country { code: "BQ", name: "Bonaire, Sint Eustatius and Saba", nrm_label: "Bonairean" },
    Country { code: "BR", name: "Brazil", nrm_label: "Brazilian" },
    Country { code: "BS", name: "Bahamas", nrm_label: "Bahamian" },
    Country { code: "BT", name: "Bhutan", nrm_label: "Bhutanese" },
    Country { code: "BV", name: "Bouvet Island", nrm_label: "Bouvet Islander" },
    Country { code: "BW", name: "Botswana", nrm_label: "Botswanan" },
    Country { code: "BY", name: "Belarus", nrm_label: "Belarusian" },
    Country { code: "BZ", name: "Belize", nrm_label: "Belizean" },
    Country { code: "CA", name: "Canada", nrm_label: "Canadian" },
    Country { code: "CC", name: "Cocos (Keeling) Islands", nrm_label: "Cocos Islander" },
    Country { code: "CD", name: "Democratic Republic of the Congo", nrm_label: "Congolese (DRC)" },
    Country { code: "CF", name: "Central African Republic", nrm_label: "Central African" },
    Country { code: "CG", name: "Congo", nrm_label: "Congolese (Congo)" },
    Country { code: "CH", name: "Switzerland", nrm_label: "Swiss" },
    Country { code: "CI", name: "Côte d'Ivoire", nrm_label: "Ivorian" },
    Country { code: "CK", name: "Cook Islands", nrm_label: "Cook Islander" },
    Country { code: "CL", name: "Chile", nrm_label: "Chilean" },
    Country { code: "CM", name: "Cameroon", nrm_label: "Cameroonian" },
    Country { code: "CN", name: "China", nrm_label: "Chinese" },
    Country { code: "CO", name: "Colombia", nrm_label: "Colombian" },
    Country { code: "CR", name: "Costa Rica", nrm_label: "Costa Rican" },
    Country { code: "CU", name: "Cuba", nrm_label: "Cuban" },
    Country { code: "CV", name: "Cabo Verde", nrm_label: "Cape Verdean" },
    Country { code: "CW", name: "Curaçao", nrm_label: "Curaçaoan" },
    Country { code: "CX", name: "Christmas Island", nrm_label: "Christmas Islander" },
    Country { code: "CY", name: "Cyprus", nrm_label: "Cypriot" },
    Country { code: "CZ", name: "Czechia", nrm_label: "Czech" },
    Country { code: "DE", name: "Germany", nrm_label: "German" },
    Country { code: "DJ", name: "Djibouti", nrm_label: "Djiboutian" },
    Country { code: "DK", name: "Denmark", nrm_label: "Danish" },
    Country { code: "DM", name: "Dominica", nrm_label: "Dominican" },
    Country { code: "DO", name: "Dominican Republic", nrm_label: "Citizen of the Dominican Republic" },
    Country { code: "DZ", name: "Algeria", nrm_label: "Algerian" },
    Country { code: "EC", name: "Ecuador", nrm_label: "Ecuadorean" },
    Country { code: "EE", name: "Estonia", nrm_label: "Estonian" },
    Country { code: "EG", name: "Egypt", nrm_label: "Egyptian" },
    Country { code: "EH", name: "Western Sahara", nrm_label: "Sahrawi" },
    Country { code: "ER", name: "Eritrea", nrm_label: "Eritrean" },
    Country { code: "ES", name: "Spain", nrm_label: "Spanish" },
    Country { code: "ET", name: "Ethiopia", nrm_label: "Ethiopian" },
    Country { code: "FI", name: "Finland", nrm_label: "Finnish" },
    Country { code: "FJ", name: "Fiji", nrm_label: "Fijian" },
    Country { code: "FK", name: "Falkland Islands", nrm_label: "Falkland Islander" },
    Country { code: "FM", name: "Micronesia", nrm_label: "Micronesian" },
    Country { code: "FO", name: "Faroe Islands", nrm_label: "Faroese" },
    Country { code: "FR", name: "France", nrm_label: "French" },
    Country { code: "GA", name: "Gabon", nrm_label: "Gabonese" },
    Country { code: "GB", name: "United Kingdom", nrm_label: "UK" },
    Country { code: "GD", name: "Grenada", nrm_label: "Grenadian" },
    Country { code: "GE", name: "Georgia", nrm_label: "Georgian" },
    Country { code: "GF", name: "French Guiana", nrm_label: "French Guianese" },
    Country { code: "GG", name: "Guernsey", nrm_label: "Guernsey Islander" },
    Country { code: "GH", name: "Ghana", nrm_label: "Ghanaian" },
    Country { code: "GI", name: "Gibraltar", nrm_label: "Gibraltarian" },
    Country { code: "GL", name: "Greenland", nrm_label: "Greenlandic" },
    Country { code: "GM", name: "Gambia", nrm_label: "Gambian" },
    Country { code: "GN", name: "Guinea", nrm_label: "Guinean" },
    Country { code: "GP", name: "Guadeloupe", nrm_label: "Guadeloupean" },
    Country { code: "GQ", name: "Equatorial Guinea", nrm_label: "Equatorial Guinean" },
    Country { code: "GR", name: "Greece", nrm_label: "Greek" },
    Country { code: "GS", name: "South Georgia and the South Sandwich Islands", nrm_label: "South Georgia and South Sandwich Islander" },
    Country { code: "GT", name: "Guatemala", nrm_label: "Guatemalan" },
    Country { code: "GU", name: "Guam", nrm_label: "Guamanian" },
    Country { code: "GW", name: "Guinea-Bissau", nrm_label: "Citizen of Guinea-Bissau" },
    Country { code: "GY", name: "Guyana", nrm_label: "Guyanese" },
    Country { code: "HK", name: "Hong Kong", nrm_label: "Hong Konger" },
    Country { code: "HM", name: "Heard Island and McDonald Islands", nrm_label: "Heard and McDonald Islander" },
    Country { code: "HN", name: "Honduras", nrm_label: "Honduran" },
    Country { code: "HR", name: "Croatia", nrm_label: "Croatian" },
    Country { code: "HT", name: "Haiti", nrm_label: "Haitian" },
    Country { code: "HU", name: "Hungary", nrm_label: "Hungarian" },
    Country { code: "ID", name: "Indonesia", nrm_label: "Indonesian" },
    Country { code: "IE", name: "Ireland", nrm_label: "Irish" },
    Country { code: "IL", name: "Israel", nrm_label: "Israeli" },
    Country { code: "IM", name: "Isle of Man", nrm_label: "Manx" },
    Country { code: "IN", name: "India", nrm_label: "Indian" },
    Country { code: "IO", name: "British Indian Ocean Territory", nrm_label: "Chagossian" },
    Country { code: "IQ", name: "Iraq", nrm_label: "Iraqi" },
    Country { code: "IR", name: "Iran", nrm_label: "Iranian" },
    Country { code: "IS", name: "Iceland", nrm_label: "Icelandic" },
    Country { code: "IT", name: "Italy", nrm_label: "Italian" },
    Country { code: "JE", name: "Jersey", nrm_label: "Jersey Islander" },
    Country { code: "JM", name: "Jamaica", nrm_label: "Jamaican" },
    Country { code: "JO", name: "Jordan", nrm_label: "Jordanian" },
    Country { code: "JP", name: "Japan", nrm_label: "Japanese" },
    Country { code: "KE", name: "Kenya", nrm_label: "Kenyan" },
    Country { code: "KG", name: "Kyrgyzstan", nrm_label: "Kyrgyz" },
    Country { code: "KH", name: "Cambodia", nrm_label: "Cambodian" },
    Country { code: "KI", name: "Kiribati", nrm_label: "Citizen of Kiribati" },
    Country { code: "KM", name: "Comoros", nrm_label: "Comoran" },
    Country { code: "KN", name: "Saint Kitts and Nevis", nrm_label: "Kittitian" },
    Country { code: "KP", name: "North Korea", nrm_label: "North Korean" },
    Country { code: "KR", name: "South Korea", nrm_label: "South Korean" },
    Country { code: "KW", name: "Kuwait", nrm_label: "Kuwaiti" },
    Country { code: "KY", name: "Cayman Islands", nrm_label: "Cayman Islander" },
    Country { code: "KZ", name: "Kazakhstan", nrm_label: "Kazakh" },
    Country { code: "LA", name: "Laos", nrm_label: "Lao" },
    Country { code: "LB", name: "Lebanon", nrm_label: "Lebanese" },
    Country { code: "LC", name: "Saint Lucia", nrm_label: "St Lucian" },
    Country { code: "LI", name: "Liechtenstein", nrm_label: "Liechtenstein citizen" },
    Country { code: "LK", name: "Sri Lanka", nrm_label: "Sri Lankan" },
    Country { code: "LR", name: "Liberia", nrm_label: "Liberian" },
    Country { code: "LS", name: "Lesotho", nrm_label: "Mosotho" },
    Country { code: "LT", name: "Lithuania", nrm_label: "Lithuanian" },
    Country { code: "LU", name: "Luxembourg", nrm_label: "Luxembourger" },
    Country { code: "LV", name: "Latvia", nrm_label: "Latvian" },
    Country { code: "LY", name: "Libya", nrm_label: "Libyan" },
    Country { code: "MA", name: "Morocco", nrm_label: "Moroccan" },
    Country { code: "MC", name: "Monaco", nrm_label: "Monegasque" },
    Country { code: "MD", name: "Moldova", nrm_label: "Moldovan" },
    Country { code: "ME", name: "Montenegro", nrm_label: "Montenegrin" },
    Country { code: "MF", name: "Saint Martin (French part)", nrm_label: "Saint-Martinois" },
    Country { code: "MG", name: "Madagascar", nrm_label: "Malagasy" },
    Country { code: "MH", name: "Marshall Islands", nrm_label: "Marshallese" },
    Country { code: "MK", name: "North Macedonia", nrm_label: "Macedonian" },
    Country { code: "ML", name: "Mali", nrm_label: "Malian" },
    Country { code: "MM", name: "Myanmar", nrm_label: "Burmese" },
    Country { code: "MN", name: "Mongolia", nrm_label: "Mongolian" },
    Country { code: "MO", name: "Macao", nrm_label: "Macanese" },
    Country { code: "MP", name: "Northern Mariana Islands", nrm_label: "Northern Mariana Islander" },
    Country { code: "MQ", name: "Martinique", nrm_label: "Martiniquais" },
    Country { code: "MR", name: "Mauritania", nrm_label: "Mauritanian" },
    Country { code: "MS", name: "Montserrat", nrm_label: "Montserratian" },
    Country { code: "MT", name: "Malta", nrm_label: "Maltese" },
    Country { code: "MU", name: "Mauritius", nrm_label: "Mauritian" },
    Country { code: "MV", name: "Maldives", nrm_label: "Maldivian" },
    Country { code: "MW", name: "Malawi", nrm_label: "Malawian" },
    Country { code: "MX", name: "Mexico", nrm_label: "Mexican" },
    Country { code: "MY", name: "Malaysia", nrm_label: "Malaysian" },
    Country { code: "MZ", name: "Mozambique", nrm_label: "Mozambican" },
    Country { code: "NA", name: "Namibia", nrm_label: "Namibian" },
    Country { code: "NC", name: "New Caledonia", nrm_label: "New Caledonian" },
    Country { code: "NE", name: "Niger", nrm_label: "Nigerien" },
    Country { code: "NF", name: "Norfolk Island", nrm_label: "Norfolk Islander" },
    Country { code: "NG", name: "Nigeria", nrm_label: "Nigerian" },
    Country { code: "NI", name: "Nicaragua", nrm_label: "Nicaraguan" },
    Country { code: "NL", name: "Netherlands", nrm_label: "Dutch" },
    Country { code: "NO", name: "Norway", nrm_label: "Norwegian" },
    Country { code: "NP", name: "Nepal", nrm_label: "Nepalese" },
    Country { code: "NR", name: "Nauru", nrm_label: "Nauruan" },
    Country { code: "NU", name: "Niue", nrm_label: "Niuean" },
    Country { code: "NZ", name: "New Zealand", nrm_label: "New Zealander" },
    Country { code: "OM", name: "Oman", nrm_label: "Omani" },
    Country { code: "PA", name: "Panama", nrm_label: "Panamanian" },
    Country { code: "PE", name: "Peru", nrm_label: "Peruvian" },
    Country { code: "PF", name: "French Polynesia", nrm_label: "French Polynesian" },
    Country { code: "PG", name: "Papua New Guinea", nrm_label: "Papua New Guinean" },
    Country { code: "PH", name: "Philippines", nrm_label: "Filipino" },
    Country { code: "PK", name: "Pakistan", nrm_label: "Pakistani" },
    Country { code: "PL", name: "Poland", nrm_label: "Polish" },
    Country { code: "PM", name: "Saint Pierre and Miquelon", nrm_label: "Saint-Pierrais" },
    Country { code: "PN", name: "Pitcairn", nrm_label: "Pitcairn Islander" },
    Country { code: "PR", name: "Puerto Rico", nrm_label: "Puerto Rican" },
    Country { code: "PS", name: "Palestine", nrm_label: "Palestinian" },
    Country { code: "PT", name: "Portugal", nrm_label: "Portuguese" },
    Country { code: "PW", name: "Palau", nrm_label: "Palauan" },
    Country { code: "PY", name: "Paraguay", nrm_label: "Paraguayan" },
    Country { code: "QA", name: "Qatar", nrm_label: "Qatari" },
    Country { code: "RE", name: "Réunion", nrm_label: "Réunionese" },
    Country { code: "RO", name: "Romania", nrm_label: "Romanian" },
    Country { code: "RS", name: "Serbia", nrm_label: "Serbian" },
    Country { code: "RU", name: "Russian Federation", nrm_label: "Russian" },
    Country { code: "RW", name: "Rwanda", nrm_label: "Rwandan" },
    Country { code: "SA", name: "Saudi Arabia", nrm_label: "Saudi Arabian" },
    Country { code: "SB", name: "Solomon Islands", nrm_label: "Solomon Islander" },
    Country { code: "SC", name: "Seychelles", nrm_label: "Citizen of Seychelles" },
    Country { code: "SD", name: "Sudan", nrm_label: "Sudanese" },
    Country { code: "SE", name: "Sweden", nrm_label: "Swedish" },
    Country { code: "SG", name: "Singapore", nrm_label: "Singaporean" },
    Country { code: "SH", name: "Saint Helena, Ascension and Tristan da Cunha", nrm_label: "St Helenian" },
    Country { code: "SI", name: "Slovenia", nrm_label: "Slovenian" },
    Country { code: "SJ", name: "Svalbard and Jan Mayen", nrm_label: "Svalbard and Jan Mayen Islander" },
    Country { code: "SK", name: "Slovakia", nrm_label: "Slovak" },
    Country { code: "SL", name: "Sierra Leone", nrm_label: "Sierra Leonean" },
    Country { code: "SM", name: "San Marino", nrm_label: "Sammarinese" },
    Country { code: "SN", name: "Senegal", nrm_label: "Senegalese" },
    Country { code: "SO", name: "Somalia", nrm_label: "Somali" },
    Country { code: "SR", name: "Suriname", nrm_label: "Surinamese" },
    Country { code: "SS", name: "South Sudan", nrm_label: "South Sudanese" },
    Country { code: "ST", name: "Sao Tome and Principe", nrm_label: "Sao Tomean" },
    Country { code: "SV", name: "El Salvador", nrm_label: "Salvadorean" },
    Country { code: "SX", name: "Sint Maarten (Dutch part)", nrm_label: "Sint Maartener" },
    Country { code: "SY", name: "Syria", nrm_label: "Syrian" },
    Country { code: "SZ", name: "Eswatini", nrm_label: "Swazi" },
    Country { code: "TC", name: "Turks and Caicos Islands", nrm_label: "Turks and Caicos Islander" },
    Country { code: "TD", name: "Chad", nrm_label: "Chadian" },
    Country { code: "TF", name: "French Southern Territories", nrm_label: "French Southern Territories resident" },
    Country { code: "TG", name: "Togo", nrm_label: "Togolese" },
    Country { code: "TH", name: "Thailand", nrm_label: "Thai" },
    Country { code: "TJ", name: "Tajikistan", nrm_label: "Tajik" },
    Country { code: "TK", name: "Tokelau", nrm_label: "Tokelauan" },
    Country { code: "TL", name: "Timor-Leste", nrm_label: "East Timorese" },
    Country { code: "TM", name: "Turkmenistan", nrm_label: "Turkmen" },
    Country { code: "TN", name: "Tunisia", nrm_label: "Tunisian" },
    Country { code: "TO", name: "Tonga", nrm_label: "Tongan" },
    Country { code: "TR", name: "Türkiye", nrm_label: "Turkish" },
    Country { code: "TT", name: "Trinidad and Tobago", nrm_label: "Trinidadian" },
    Country { code: "TV", name: "Tuvalu", nrm_label: "Tuvaluan" },
    Country { code: "TW", name: "Taiwan", nrm_label: "Taiwanese" },
    Country { code: "TZ", name: "Tanzania", nrm_label: "Tanzanian" },
    Country { code: "UA", name: "Ukraine", nrm_label: "Ukrainian" },
    Country { code: "UG", name: "Uganda", nrm_label: "Ugandan" },
    Country { code: "UM", name: "United States Minor Outlying Islands", nrm_label: "US Minor Outlying Islander" },
    Country { code: "US", name: "United States", nrm_label: "American" },
    Country { code: "UY", name: "Uruguay", nrm_label: "Uruguayan" },
    Country { code: "UZ", name: "Uzbekistan", nrm_label: "Uzbek" },
    Country { code: "VA", name: "Holy See (Vatican City State)", nrm_label: "Vatican citizen" },
    Country { code: "VC", name: "Saint Vincent and the Grenadines", nrm_label: "Vincentian" },
    Country { code: "VE", name: "Venezuela", nrm_label: "Venezuelan" },
    Country { code: "VG", name: "British Virgin Islands", nrm_label: "British Virgin Islander" },
    Country { code: "VI", name: "US Virgin Islands", nrm_label: "US Virgin Islander" },
    Country { code: "VN", name: "Vietnam", nrm_label: "Vietnamese" },
    Country { code: "VU", name: "Vanuatu", nrm_label: "Citizen of Vanuatu" },
    Country { code: "WF", name: "Wallis and Futuna", nrm_label: "Wallisian" },
    Country { code: "WS", name: "Samoa", nrm_label: "Samoan" },
    Country { code: "XK", name: "Kosovo", nrm_label: "Kosovan" },
    Country { code: "YE", name: "Yemen", nrm_label: "Yemeni" },
    Country { code: "YT", name: "Mayotte", nrm_label: "Mahoran" },
    Country { code: "ZA", name: "South Africa", nrm_label: "South African" },
    Country { code: "ZM", name: "Zambia", nrm_label: "Zambian" },
    Country { code: "ZW", name: "Zimbabwe", nrm_label: "Zimbabwean" },
];

/// Other spellings of a nationality label found in the published NRM tables, with the code of the
/// country they stand for. Each country's usual spelling is its [`Country::nrm_label`].
#[rustfmt::skip]
pub const NRM_LABEL_VARIANTS: &[(&str, &str)] = &[
    ("Congolese (Drc)", "CD"),
    ("Congolese Drc", "CD"),
    ("Congolese Congo", "CG"),
    ("Citizen of Guinea Bissau", "GW"),
    ("UKrainian", "UA"),
];

/// The country with this ISO code (case-insensitive), if any.
pub fn by_code(code: &str) -> Option<&'static Country> {
    let bytes = code.as_bytes();
    if bytes.len() != 2 {
        return None;
    }
    let key = [bytes[0].to_ascii_uppercase(), bytes[1].to_ascii_uppercase()];
    COUNTRIES.binary_search_by(|c| c.code.as_bytes().cmp(&key[..])).ok().map(|i| &COUNTRIES[i])
}

/// The country whose NRM nationality label is exactly `label`, if any.
///
/// Surrounding whitespace is ignored, and the other spellings in [`NRM_LABEL_VARIANTS`] are
/// accepted as well. A combined dual-nationality label such as `Albanian Greek`, and the
/// non-country values `Unknown`, `Not Known` and `Total`, give `None`.
pub fn by_nrm_label(label: &str) -> Option<&'static Country> {
    let label = label.trim();
    if let Some(country) = COUNTRIES.iter().find(|c| c.nrm_label == label) {
        return Some(country);
    }
    NRM_LABEL_VARIANTS.iter().find(|(variant, _)| *variant == label).and_then(|(_, code)| by_code(code))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every single-country nationality label in the NRM referral tables (all quarterly files,
    /// 2022 Q2 to 2023 Q4, including the police-force tables) and the Duty to Notify tables,
    /// with dual-nationality labels split into their two parts.
    #[rustfmt::skip]
    const DATA_LABELS: &[&str] = &[
        "Afghan", "Albanian", "Algerian", "American", "Andorran", "Angolan", "Anguillan",
        "Argentine", "Armenian", "Australian", "Austrian", "Azerbaijani", "Bahraini", "Bangladeshi",
        "Barbadian", "Belarusian", "Belgian", "Belizean", "Beninese", "Bermudian", "Bolivian",
        "Botswanan", "Brazilian", "British Virgin Islander", "Bruneian", "Bulgarian", "Burkinan",
        "Burmese", "Burundian", "Cambodian", "Cameroonian", "Canadian", "Cape Verdean",
        "Cayman Islander", "Central African", "Chadian", "Chilean", "Chinese",
        "Citizen of Antigua and Barbuda", "Citizen of Bosnia and Herzegovina",
        "Citizen of Guinea Bissau", "Citizen of Guinea-Bissau", "Citizen of Seychelles",
        "Citizen of the Dominican Republic", "Colombian", "Comoran", "Congolese (Congo)",
        "Congolese (DRC)", "Congolese (Drc)", "Congolese Congo", "Congolese Drc", "Costa Rican",
        "Croatian", "Cuban", "Cypriot", "Czech", "Danish", "Dominican", "Dutch", "East Timorese",
        "Ecuadorean", "Egyptian", "Emirati", "Equatorial Guinean", "Eritrean", "Estonian",
        "Ethiopian", "Fijian", "Filipino", "Finnish", "French", "Gambian", "Georgian", "German",
        "Ghanaian", "Greek", "Grenadian", "Guatemalan", "Guinean", "Guyanese", "Haitian",
        "Honduran", "Hong Konger", "Hungarian", "Indian", "Indonesian", "Iranian", "Iraqi", "Irish",
        "Israeli", "Italian", "Ivorian", "Jamaican", "Japanese", "Jordanian", "Kazakh", "Kenyan",
        "Kittitian", "Kosovan", "Kuwaiti", "Kyrgyz", "Lao", "Latvian", "Lebanese", "Liberian",
        "Libyan", "Lithuanian", "Macedonian", "Malawian", "Malaysian", "Maldivian", "Malian",
        "Maltese", "Mauritanian", "Mauritian", "Mexican", "Moldovan", "Mongolian", "Montenegrin",
        "Montserratian", "Moroccan", "Mozambican", "Namibian", "Nepalese", "New Zealander",
        "Nicaraguan", "Nigerian", "Nigerien", "North Korean", "Norwegian", "Pakistani",
        "Palestinian", "Panamanian", "Papua New Guinean", "Paraguayan", "Peruvian", "Polish",
        "Portuguese", "Qatari", "Romanian", "Russian", "Rwandan", "Salvadorean", "Saudi Arabian",
        "Senegalese", "Serbian", "Sierra Leonean", "Singaporean", "Slovak", "Slovenian", "Somali",
        "South African", "South Korean", "South Sudanese", "Spanish", "Sri Lankan", "St Helenian",
        "St Lucian", "Sudanese", "Swazi", "Swedish", "Swiss", "Syrian", "Taiwanese", "Tajik",
        "Tanzanian", "Thai", "Togolese", "Trinidadian", "Tunisian", "Turkish", "Turkmen", "UK",
        "UKrainian", "Ugandan", "Ukrainian", "Uzbek", "Venezuelan", "Vietnamese", "Vincentian",
        "Yemeni", "Zambian", "Zimbabwean",
    ];

    #[test]
    fn codes_are_sorted_and_unique() {
        for pair in COUNTRIES.windows(2) {
            assert!(pair[0].code < pair[1].code, "{} is not before {}", pair[0].code, pair[1].code);
        }
    }

    #[test]
    fn all_assigned_codes_and_kosovo() {
        assert_eq!(COUNTRIES.len(), 250);
        assert_eq!(by_code("XK").map(|c| c.nrm_label), Some("Kosovan"));
    }

    #[test]
    fn codes_are_two_ascii_uppercase_letters() {
        for c in COUNTRIES {
            assert_eq!(c.code.len(), 2, "{:?}", c);
            assert!(c.code.bytes().all(|b| b.is_ascii_uppercase()), "{:?}", c);
        }
    }

    #[test]
    fn names_and_labels_are_present_and_labels_unique() {
        for (i, c) in COUNTRIES.iter().enumerate() {
            assert!(!c.name.is_empty() && c.name.trim() == c.name, "{:?}", c);
            assert!(!c.nrm_label.is_empty() && c.nrm_label.trim() == c.nrm_label, "{:?}", c);
            for other in &COUNTRIES[i + 1..] {
                assert_ne!(c.nrm_label, other.nrm_label, "{} and {} share a label", c.code, other.code);
            }
        }
    }

    #[test]
    fn by_code_ignores_case() {
        let al = by_code("al").unwrap();
        assert_eq!(al.code, "AL");
        assert_eq!(al.name, "Albania");
        assert_eq!(al.nrm_label, "Albanian");
        assert_eq!(by_code("Gb").map(|c| c.code), Some("GB"));
        assert_eq!(by_code("ZW").map(|c| c.code), Some("ZW"));
        assert_eq!(by_code("AD").map(|c| c.code), Some("AD"));
        for c in COUNTRIES {
            assert_eq!(by_code(c.code), Some(c));
        }
    }

    #[test]
    fn by_code_rejects_non_codes() {
        for bad in ["", "A", "ALB", "ZZ", "UK", "a1", "é", "  "] {
            assert_eq!(by_code(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn by_nrm_label_finds_countries() {
        assert_eq!(by_nrm_label("Albanian").map(|c| c.code), Some("AL"));
        assert_eq!(by_nrm_label("UK").map(|c| c.code), Some("GB"));
        assert_eq!(by_nrm_label("Kosovan").map(|c| c.code), Some("XK"));
        assert_eq!(by_nrm_label("Congolese (DRC)").map(|c| c.code), Some("CD"));
        assert_eq!(by_nrm_label("Congolese (Congo)").map(|c| c.code), Some("CG"));
        for c in COUNTRIES {
            assert_eq!(by_nrm_label(c.nrm_label), Some(c));
        }
    }

    #[test]
    fn by_nrm_label_rejects_non_countries() {
        for bad in ["Unknown", "Not Known", "Total", "Stateless", "Other", "Albanian Greek", "albanian", ""] {
            assert_eq!(by_nrm_label(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn variants_resolve_to_a_country_with_another_label() {
        for (variant, code) in NRM_LABEL_VARIANTS {
            let country = by_code(code).unwrap();
            assert_ne!(country.nrm_label, *variant);
            assert!(COUNTRIES.iter().all(|c| c.nrm_label != *variant), "{variant} is a usual label");
            assert_eq!(by_nrm_label(variant), Some(country));
        }
    }

    #[test]
    fn every_label_in_the_data_resolves() {
        let missing: Vec<&str> = DATA_LABELS.iter().copied().filter(|l| by_nrm_label(l).is_none()).collect();
        assert!(missing.is_empty(), "labels with no country: {missing:?}");
    }
}
