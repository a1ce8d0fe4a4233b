//! The OpenAPI document of the JSON API, generated with `utoipa` (issue 14): each handler
//! declares its path, method, parameters, bodies and statuses with `#[utoipa::path]` beside its
//! code, and [`ApiDoc`] lists the handlers. Enumerations are generated from the domain's types
//! (`Coded::ALL`), so a new code (a lifecycle step's `CommandKind`, a status, a purpose) is in
//! the document without anyone writing it. The object schemas are in `schemas.json`, by name;
//! see ARCHITECTURE.md for why they are not derived yet. A snapshot test
//! (`snapshots/…openapi.snap`) fails when the document changes without the snapshot.

use std::sync::LazyLock;

use serde_json::{json, Value};
use sg_domain::Coded;
use sg_domain::{
    AgeAtExploitation, CaseKind, CaseStatus, CommandKind, CompetentAuthority, ContextFactor, DataCategory,
    DecisionOutcome, ExploitationForm, ExploitationLocation, ExploitationType, Gender, Jurisdiction, Purpose, Question,
};
use utoipa::openapi::schema::Schema;
use utoipa::openapi::{ComponentsBuilder, RefOr};
use utoipa::{Modify, OpenApi};

/// The document: the handlers, the security scheme and the schemas.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "Safeguard API",
        version = "1",
        description = "Referral, identification and support of survivors of modern slavery (UK National Referral Mechanism). Every request needs 'Authorization: Bearer TOKEN' (see `safeguard user add --token`). Errors are {\"error\": {\"code\", \"message\", \"field\"}}.",
        license(name = "AGPL-3.0-or-later")
    ),
    servers((url = "/api/v1")),
    security(("bearer" = [])),
    paths(
        super::referrals::create,
        super::cases::list,
        super::cases::show,
        super::cases::identity,
        super::cases::act,
        super::consents::list,
        super::consents::create,
        super::consents::withdraw,
        super::consents::survivor_code,
        super::consents::end_code,
        super::consents::countersign,
        super::emergency::ask,
        super::emergency::list,
        super::emergency::decide,
        super::openapi,
        super::referrals::convert,
    ),
    components(responses(ErrorResponse), schemas(crate::error::ErrorBody)),
    modifiers(&Components)
)]
pub(crate) struct ApiDoc;

/// The document as JSON, built once.
pub(crate) static DOCUMENT: LazyLock<String> = LazyLock::new(|| {
    let mut doc = serde_json::to_value(ApiDoc::openapi()).expect("the OpenAPI document serialises");
    tidy(&mut doc);
    serde_json::to_string_pretty(&doc).expect("the OpenAPI document serialises")
});

/// What utoipa adds that the API does not mean: a tag per Rust module, `null` as a value of an
/// optional parameter (a header or query value is absent, never null), and `[{}]` for an
/// operation that needs no credentials (`[]`).
fn tidy(doc: &mut Value) {
    for item in doc["paths"].as_object_mut().into_iter().flat_map(|p| p.values_mut()) {
        for op in item.as_object_mut().into_iter().flat_map(|i| i.values_mut()) {
            let Some(op) = op.as_object_mut() else { continue };
            op.remove("tags");
            if op.get("security") == Some(&json!([{}])) {
                op.insert("security".into(), json!([]));
            }
            for p in op.get_mut("parameters").and_then(Value::as_array_mut).into_iter().flatten() {
                if let Some([kind, null]) = p["schema"]["type"].as_array().map(Vec::as_slice) {
                    if null == "null" {
                        p["schema"]["type"] = kind.clone();
                    }
                }
                let schema = &mut p["schema"];
                if let Some(alternatives) = schema["oneOf"].as_array() {
                    // `Option<Schema>`: the schema, without the null alternative.
                    if let Some(one) = alternatives.iter().find(|a| a["type"] != "null").cloned() {
                        *schema = one;
                    }
                }
            }
        }
    }
}

/// The error envelope every refusal uses, as the shared response `Error`.
pub(crate) struct ErrorResponse;

impl<'s> utoipa::ToResponse<'s> for ErrorResponse {
    fn response() -> (&'s str, RefOr<utoipa::openapi::Response>) {
        let content = utoipa::openapi::ContentBuilder::new()
            .schema(Some(utoipa::openapi::Ref::from_schema_name("Error")))
            .build();
        let response = utoipa::openapi::ResponseBuilder::new()
            .description("An error")
            .content("application/json", content)
            .build();
        ("Error", response.into())
    }
}

/// The schemas handlers name in `#[utoipa::path]`, one marker type each: its name is the
/// schema's name in `#/components/schemas/`, its schema comes from [`SCHEMAS`].
pub(crate) mod schema {
    use utoipa::openapi::{schema::Schema, RefOr};
    use utoipa::{PartialSchema, ToSchema};

    macro_rules! named {
        ($($name:ident),+ $(,)?) => {$(
            #[doc = concat!("The `", stringify!($name), "` schema.")]
            pub(crate) struct $name;
            impl PartialSchema for $name {
                fn schema() -> RefOr<Schema> {
                    super::schema_named(stringify!($name))
                }
            }
            impl ToSchema for $name {}
        )+};
    }

    named!(
        Referral,
        Case,
        CasePage,
        Person,
        Action,
        ConsentInput,
        Consent,
        EmergencyRequest,
        Conversion,
        Countersign,
        EmergencyRequestInput,
        Document,
        Status,
        Kind,
        Jurisdiction,
        Age,
        CompetentAuthority,
    );
}

/// The codes of a coded enumeration, as a JSON array.
fn codes<T: Coded>() -> Value {
    json!(T::ALL.iter().map(|v| v.code()).collect::<Vec<_>>())
}

/// An enumeration's schema, generated from its type.
fn coded<T: Coded>() -> Value {
    json!({ "type": "string", "enum": codes::<T>() })
}

/// Every schema by name: the enumerations generated from the domain's types, the objects from
/// `schemas.json` with their enumerations filled in from the types.
static SCHEMAS: LazyLock<serde_json::Map<String, Value>> = LazyLock::new(|| {
    let mut all: serde_json::Map<String, Value> =
        serde_json::from_str(include_str!("schemas.json")).expect("schemas.json is a JSON object");
    let factors = ContextFactor::ALL.iter().map(|f| format!("{}: {}", f.code(), f.label())).collect::<Vec<_>>();
    let generated = [
        ("Jurisdiction", coded::<Jurisdiction>()),
        ("Age", coded::<AgeAtExploitation>()),
        ("Gender", coded::<Gender>()),
        ("ExploitationType", coded::<ExploitationType>()),
        ("ExploitationForm", coded::<ExploitationForm>()),
        ("Location", coded::<ExploitationLocation>()),
        ("CompetentAuthority", coded::<CompetentAuthority>()),
        ("Kind", coded::<CaseKind>()),
        ("Status", coded::<CaseStatus>()),
        ("Outcome", coded::<DecisionOutcome>()),
        (
            "ContextFactor",
            json!({ "type": "string", "enum": codes::<ContextFactor>(), "description": factors.join("; ") }),
        ),
    ];
    for (name, schema) in generated {
        all.insert(name.into(), schema);
    }
    // Enumerations inside objects, from their types.
    let mut set = |path: &[&str], value: Value| {
        let mut at = &mut Value::Null;
        for (i, key) in path.iter().enumerate() {
            at = if i == 0 { all.get_mut(*key).expect("a named schema") } else { &mut at[*key] };
        }
        *at = value;
    };
    set(&["Action", "properties", "action", "enum"], codes::<CommandKind>());
    set(&["Action", "properties", "question", "enum"], codes::<Question>());
    set(&["Action", "properties", "exit_reason", "enum"], codes::<sg_domain::SupportExitReason>());
    set(&["Referral", "properties", "declined_because", "items", "enum"], codes::<sg_domain::DeclineReason>());
    set(&["ConsentInput", "properties", "purpose", "enum"], codes::<Purpose>());
    set(&["ConsentInput", "properties", "categories", "items", "enum"], codes::<DataCategory>());
    set(&["Case", "properties", "deadlines", "items", "properties", "kind", "enum"], codes::<sg_rules::DeadlineKind>());
    all
});

/// The schema called `name`.
fn schema_named(name: &str) -> RefOr<Schema> {
    let value = SCHEMAS.get(name).unwrap_or_else(|| panic!("no schema {name} in schemas.json"));
    serde_json::from_value(value.clone()).unwrap_or_else(|e| panic!("schema {name}: {e}"))
}

/// Adds every schema and the bearer scheme to the document's components.
struct Components;

impl Modify for Components {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let mut components = openapi.components.take().unwrap_or_else(|| ComponentsBuilder::new().build());
        for name in SCHEMAS.keys() {
            components.schemas.insert(name.clone(), schema_named(name));
        }
        components.add_security_scheme(
            "bearer",
            utoipa::openapi::security::SecurityScheme::Http(
                utoipa::openapi::security::HttpBuilder::new()
                    .scheme(utoipa::openapi::security::HttpAuthScheme::Bearer)
                    .description(Some(
                        "An API token of one user, with that user's access only. Tokens expire (default 90 days) \
                         and can be revoked one by one; an expired or revoked token answers 401.",
                    ))
                    .build(),
            ),
        );
        openapi.components = Some(components);
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;

    fn document() -> Value {
        serde_json::from_str(&DOCUMENT).unwrap()
    }

    /// Every property path a schema has (`a`, `a.b`, `a[].c`), following `$ref`s, with each
    /// enumeration's values (`a=v`).
    fn fields(doc: &Value, schema: &Value, prefix: &str, out: &mut BTreeSet<String>, depth: u8) {
        if depth > 8 {
            return;
        }
        if let Some(r) = schema["$ref"].as_str() {
            let name = r.rsplit('/').next().unwrap();
            return fields(doc, &doc["components"]["schemas"][name], prefix, out, depth + 1);
        }
        for v in schema["enum"].as_array().into_iter().flatten() {
            out.insert(format!("{prefix}={}", v.as_str().unwrap_or_default()));
        }
        for alt in schema["oneOf"].as_array().into_iter().flatten() {
            fields(doc, alt, prefix, out, depth + 1);
        }
        if schema.get("items").is_some() {
            fields(doc, &schema["items"], &format!("{prefix}[]"), out, depth + 1);
        }
        for (name, property) in schema["properties"].as_object().into_iter().flatten() {
            let path = if prefix.is_empty() { name.clone() } else { format!("{prefix}.{name}") };
            out.insert(path.clone());
            fields(doc, property, &path, out, depth + 1);
        }
    }

    /// What a document says of each operation: its statuses, parameters and the fields of its
    /// bodies, one line each.
    fn facts(doc: &Value) -> BTreeSet<String> {
        let mut out = BTreeSet::new();
        for (path, item) in doc["paths"].as_object().unwrap() {
            for (method, op) in item.as_object().unwrap() {
                let at = format!("{} {path}", method.to_uppercase());
                out.insert(at.clone());
                for p in op["parameters"].as_array().into_iter().flatten() {
                    let p = match p["$ref"].as_str() {
                        Some(r) => &doc["components"]["parameters"][r.rsplit('/').next().unwrap()],
                        None => p,
                    };
                    out.insert(format!(
                        "{at} parameter {} in {}",
                        p["name"].as_str().unwrap(),
                        p["in"].as_str().unwrap()
                    ));
                    let mut values = BTreeSet::new();
                    fields(doc, &p["schema"], "", &mut values, 0);
                    out.extend(
                        values.into_iter().map(|v| format!("{at} parameter {}{v}", p["name"].as_str().unwrap())),
                    );
                }
                let mut body = BTreeSet::new();
                fields(doc, &op["requestBody"]["content"]["application/json"]["schema"], "", &mut body, 0);
                out.extend(body.into_iter().map(|f| format!("{at} body {f}")));
                for (status, response) in op["responses"].as_object().unwrap() {
                    out.insert(format!("{at} {status}"));
                    let response = match response["$ref"].as_str() {
                        Some(r) => &doc["components"]["responses"][r.rsplit('/').next().unwrap()],
                        None => response,
                    };
                    let mut answer = BTreeSet::new();
                    fields(doc, &response["content"]["application/json"]["schema"], "", &mut answer, 0);
                    out.extend(answer.into_iter().map(|f| format!("{at} {status} {f}")));
                }
            }
        }
        out
    }

    /// The generated document says everything the hand-written one (`openapi.json`, kept for
    /// this comparison) says: every path, method, parameter, status and field. A route or
    /// field added to the hand-written file and not yet annotated is named here.
    #[test]
    fn the_generated_document_covers_the_hand_written_one() {
        let old: Value = serde_json::from_str(include_str!("openapi.json")).unwrap();
        let new = document();
        // Two generic codes were retired on purpose (issue 14): a refusal or a refused step now
        // sends its reason's own code (`refusal.*`, `not_yet.*`, `transition.*`).
        let retired = |f: &String| f.ends_with("error.code=forbidden") || f.ends_with("error.code=invalid_transition");
        let missing: Vec<String> = facts(&old).difference(&facts(&new)).filter(|f| !retired(f)).cloned().collect();
        assert!(missing.is_empty(), "in openapi.json, not in the generated document:\n{}", missing.join("\n"));
        assert_eq!(new["security"], old["security"]);
        assert_eq!(new["components"]["securitySchemes"], old["components"]["securitySchemes"]);
        assert_eq!(new["servers"], old["servers"]);
    }

    /// The document is a snapshot: a change to a handler's annotation, a schema or a domain
    /// enumeration shows up here for review (`cargo insta review`, or `INSTA_UPDATE=always`).
    #[test]
    fn the_document_is_as_reviewed() {
        insta::assert_snapshot!("openapi", DOCUMENT.as_str());
    }

    #[test]
    fn every_lifecycle_step_is_an_action_in_the_document() {
        let doc = document();
        let listed = &doc["components"]["schemas"]["Action"]["properties"]["action"]["enum"];
        for kind in CommandKind::ALL {
            assert!(listed.as_array().unwrap().contains(&json!(kind.code())), "{kind} missing: {listed}");
        }
    }
}
