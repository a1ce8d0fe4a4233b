//! Each format of one report: the ODS is a valid OpenDocument zip whose XML parses and holds
//! the figures; the HTML carries SVG charts and hides small cells; the CSV and JSON agree.

use std::io::Read;

use sg_domain::{
    AgeAtExploitation, CaseKind, CaseStatus, CompetentAuthority, DecisionOutcome, ExploitationLocation,
    FirstResponderType, Gender, Jurisdiction, Nationality,
};
use sg_report::{render, Format};
use sg_stats::cells::CaseRow;
use sg_stats::{build_report, Cell, Period, ReportOptions, Rule, Table};
use time::macros::date;
use time::Duration;

fn report() -> sg_stats::Report {
    let mut cells = Vec::new();
    for i in 0..400u32 {
        let on = date!(2023 - 01 - 02) + Duration::days(i64::from(i % 360));
        let row = CaseRow {
            kind: if i % 7 == 0 { CaseKind::DutyToNotify } else { CaseKind::Referral },
            status: CaseStatus::AwaitingConclusiveGrounds,
            jurisdiction: Jurisdiction::EnglandWales,
            age: if i % 3 == 0 { AgeAtExploitation::Child } else { AgeAtExploitation::Adult },
            gender: Gender::Female,
            nationalities: [Some(Nationality::parse(if i == 5 { "VN" } else { "AL" }).unwrap()), None],
            exploitation: 2,
            location: ExploitationLocation::Uk,
            fr_type: FirstResponderType::NgoThirdSector,
            ca: Some(if i % 2 == 0 { CompetentAuthority::Sca } else { CompetentAuthority::Ieca }),
            referred_on: on,
            rg: Some((
                if i % 5 < 3 { DecisionOutcome::Positive } else { DecisionOutcome::Negative },
                on + Duration::days(4),
            )),
            cg: None,
            rg_overturned: false,
            cg_overturned: false,
            re_referral: false,
            disqualified_on: None,
        };
        cells.push(Cell::from_case(&row));
    }
    let o = ReportOptions {
        title: "Test & report".into(),
        period: Period::Year(2023),
        rule: Rule::default(),
        confidence: 0.95,
        top_nationalities: 10,
        as_of: date!(2024 - 01 - 01),
    };
    build_report(vec![Table::own_cases(cells)], &o)
}

#[test]
fn the_ods_is_a_zip_of_opendocument_xml_with_the_figures() {
    let bytes = render(&report(), Format::Ods).unwrap();
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut mimetype = String::new();
    zip.by_index(0).unwrap().read_to_string(&mut mimetype).unwrap();
    assert_eq!(mimetype, "application/vnd.oasis.opendocument.spreadsheet");
    assert_eq!(zip.by_index(0).unwrap().compression(), zip::CompressionMethod::Stored);
    let mut content = String::new();
    zip.by_name("content.xml").unwrap().read_to_string(&mut content).unwrap();
    let mut reader = quick_xml::Reader::from_str(&content);
    let (mut sheets, mut floats) = (Vec::new(), 0);
    loop {
        match reader.read_event().unwrap() {
            quick_xml::events::Event::Eof => break,
            quick_xml::events::Event::Start(e) if e.name().as_ref() == b"table:table" => {
                let name = e.try_get_attribute("table:name").unwrap().unwrap().unescape_value().unwrap().to_string();
                sheets.push(name);
            }
            quick_xml::events::Event::Start(e)
                if e.name().as_ref() == b"table:table-cell"
                    && e.try_get_attribute("office:value-type").unwrap().unwrap().value.as_ref() == b"float" =>
            {
                floats += 1;
            }
            _ => {}
        }
    }
    assert_eq!(sheets[0], "Cover");
    assert!(sheets.contains(&"rg-positive-rate".to_string()));
    assert!(floats > 50, "{floats} numeric cells");
    let mut manifest = String::new();
    zip.by_name("META-INF/manifest.xml").unwrap().read_to_string(&mut manifest).unwrap();
    assert!(manifest.contains("application/vnd.oasis.opendocument.spreadsheet"));
}

#[test]
fn the_html_has_charts_and_hides_small_counts() {
    let html = String::from_utf8(render(&report(), Format::Html).unwrap()).unwrap();
    assert!(html.contains("<svg"), "no chart");
    assert!(html.contains("<h1>Test &") && !html.contains("Test & report"), "titles are escaped");
    assert!(html.contains("[c]"), "the one Vietnamese national is hidden");
    assert!(!html.contains("<script"), "no JavaScript");
}

#[test]
fn csv_and_json_carry_the_same_headline() {
    let r = report();
    let json: serde_json::Value = serde_json::from_slice(&render(&r, Format::Json).unwrap()).unwrap();
    let referrals = &json["indicators"][0];
    assert_eq!(referrals["indicator"]["id"], "referrals");
    let n = referrals["headline"].as_u64().unwrap();
    let csv = String::from_utf8(render(&r, Format::Csv).unwrap()).unwrap();
    assert!(csv.contains(&format!("referrals,Over time,own-cases,Total,People,{n},2023")), "{csv}");
    assert!(csv.lines().last().unwrap().starts_with("disclosure-control,"));
}
